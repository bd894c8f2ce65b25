"""Moroccan first names: relative frequency, Arabic script, Latin spellings seen in files.

One name a line: `weight | arabic | spelling, spelling, ...`; the first spelling is the most
usual. Frequencies are rough orders of magnitude for adult borrowers (DOMAIN.md section 6:
no frequency source exists), the spellings are the transliterations clerks use.
"""

from __future__ import annotations

MALE = """
40 | محمد | Mohamed, Mohammed, Mhamed, M'hamed, Muhammad, Mohammad, Mouhamad
14 | أحمد | Ahmed, Ahmad, Hmed
8 | عبد القادر | Abdelkader, Abd El Kader, Abdelkadir, Abdelkhader
8 | يوسف | Youssef, Yousef, Youssouf, Yusuf, Youcef
7 | الحسن | Lahcen, Lahsen, El Hassan, Lhassan
7 | حسن | Hassan, Hasan
6 | الحسين | Lhoussaine, El Houssine, Lahoucine, Lhoucine
5 | حسين | Houssine, Houcine, Hussein
9 | إبراهيم | Brahim, Ibrahim, Ibrahime
7 | إدريس | Driss, Idriss, Idris
9 | سعيد | Said, Saïd, Saaid
7 | عبد الله | Abdellah, Abdallah, Abdelah, Abd Allah
5 | عبد الرحيم | Abderrahim, Abdelrahim, Abderahim
5 | عبد الرحمان | Abderrahmane, Abderrahman, Abdelrahmane
5 | عبد العزيز | Abdelaziz, Abdel Aziz, Abdelazziz
4 | عبد اللطيف | Abdellatif, Abdelatif, Abdel Latif
5 | عبد الكريم | Abdelkrim, Abdelkarim, Abdel Karim
3 | عبد الحق | Abdelhak, Abdelhaq, Abdel Hak
3 | عبد الإله | Abdelilah, Abdelillah, Abdel Ilah
3 | عبد الرزاق | Abderrazak, Abderrazzak, Abderazak
3 | عبد السلام | Abdeslam, Abdesslam, Abdessalam
3 | عبد العالي | Abdelali, Abdel Ali, Abdelaali
3 | عبد المجيد | Abdelmajid, Abdelmjid, Abdel Majid
3 | عبد الحميد | Abdelhamid, Abdelhamide
2 | عبد الغني | Abdelghani, Abdelghany
2 | عبد الواحد | Abdelouahed, Abdelwahed, Abdelouahad
2 | عبد الجليل | Abdeljalil, Abdel Jalil
3 | عبد الصمد | Abdessamad, Abdessamade, Abdelsamad
2 | عبد الهادي | Abdelhadi, Abdel Hadi
2 | عبد النبي | Abdennabi, Abdenbi, Abdelnabi
7 | مصطفى | Mustapha, Mostafa, Moustapha, Mustafa
6 | خالد | Khalid, Khaled
7 | رشيد | Rachid, Rashid, Rachide
5 | عزيز | Aziz, Azziz
5 | هشام | Hicham, Hisham, Hichame
4 | عادل | Adil, Adel
4 | كريم | Karim, Kareem
4 | نور الدين | Noureddine, Nourredine, Nour Eddine, Nourdine
4 | جمال | Jamal, Djamal, Jamel
3 | كمال | Kamal, Kamel
4 | العربي | Larbi, Laarbi, El Arbi
3 | الطاهر | Tahar, Taher, Ettahar
4 | المهدي | Mehdi, El Mehdi, Mahdi
4 | حميد | Hamid, Hameed
3 | سمير | Samir, Sameer
3 | نبيل | Nabil, Nabile
3 | توفيق | Toufik, Taoufik, Tawfiq, Taoufiq
4 | إسماعيل | Ismail, Smail, Ismaïl, Smaïl
5 | عمر | Omar, Oumar
5 | علي | Ali, Aly
3 | عثمان | Othmane, Otmane, Outhmane, Osmane
3 | حمزة | Hamza, Hamzah
3 | أيوب | Ayoub, Ayyoub, Ayub
3 | أمين | Amine, Amin
3 | ياسين | Yassine, Yacine, Yassin
2 | بلال | Bilal, Bilel
2 | زكرياء | Zakaria, Zakariae, Zakariya
2 | أنس | Anas, Anass
2 | إلياس | Ilyas, Ilias, Elyas
3 | محسن | Mohcine, Mohsine, Mohsin
4 | بوشعيب | Bouchaib, Bouchaïb, Bouchaîb
3 | الميلود | Miloud, Lmiloud, El Miloud
3 | المحجوب | Mahjoub, Mahjoube, El Mahjoub
3 | الجيلالي | Jilali, Djilali, Jillali
3 | المختار | Mokhtar, El Mokhtar, Mokhtare
3 | صالح | Salah, Saleh
3 | فؤاد | Fouad, Fuad
3 | منير | Mounir, Munir
3 | رضوان | Redouane, Radouane, Ridouane, Redwane
2 | ربيع | Rabie, Rabii, Rabi
2 | طارق | Tarik, Tariq
2 | بدر | Badr, Bader
3 | الحبيب | Lahbib, Habib, El Habib
2 | سفيان | Soufiane, Sofiane, Sufyan
2 | زهير | Zouhair, Zouheir, Zuhair
2 | عماد | Imad, Emad
3 | مراد | Mourad, Morad
2 | العياشي | Ayachi, Layachi, El Ayachi
2 | المعطي | Maati, Lmaati, El Maati
"""

FEMALE = """
30 | فاطمة | Fatima, Fatma, Fadma, Fatim
8 | فاطمة الزهراء | Fatima Zahra, Fatima-Zahra, Fatimazahra, Fatima Ezzahra, Fatim Zahra
16 | خديجة | Khadija, Khadidja, Khadijah
12 | عائشة | Aicha, Aïcha, Aisha, Aïsha
10 | مليكة | Malika, Melika
9 | نعيمة | Naima, Naïma, Naeema
8 | زهرة | Zahra, Zohra, Zhor
8 | حليمة | Halima, Halimah
7 | رشيدة | Rachida, Rashida
6 | سعاد | Souad, Suad, Souade
6 | نادية | Nadia, Nadiya
6 | لطيفة | Latifa, Latefa
6 | سميرة | Samira, Sameera
4 | حسناء | Hasna, Hasnae, Hassna
5 | بشرى | Bouchra, Bushra, Bochra
4 | نزهة | Nezha, Nazha, Nouzha
4 | نجاة | Najat, Najet, Nejat
3 | ناجية | Najia, Najiya
6 | مريم | Meryem, Maryam, Mariam, Meriem
5 | زينب | Zineb, Zaynab, Zeineb, Zainab
5 | سكينة | Soukaina, Sakina, Soukayna
4 | حياة | Hayat, Hayate
5 | كريمة | Karima, Kareema
3 | لبنى | Loubna, Lubna
4 | سناء | Sanaa, Sanae, Sana
3 | وفاء | Wafae, Wafaa, Wafa
3 | هند | Hind, Hinde
4 | إيمان | Imane, Iman, Imène
4 | أسماء | Asmaa, Asmae, Asma
3 | سلمى | Salma, Selma
4 | نوال | Naoual, Nawal, Naouale
4 | حنان | Hanane, Hanan
4 | جميلة | Jamila, Djamila, Jamilah
4 | ربيعة | Rabia, Rabiaa, Rabiâ
4 | يامنة | Yamna, Yamina, Yemna
2 | البتول | Batoul, El Batoul, Batoule
3 | ابتسام | Ibtissam, Ibtisam, Btissam
4 | ثورية | Touria, Thouria, Touriya
4 | رقية | Rkia, Rokia, Roukia, Ruqaya
5 | مينة | Mina, Minah
5 | فتيحة | Fatiha, Fatéha
5 | السعدية | Saadia, Saâdia, Saadiya
3 | الغالية | Ghalia, Ghaliya, Lghalia
3 | عزيزة | Aziza, Azizah
4 | هدى | Houda, Hoda, Huda
2 | نور | Nour, Nur, Noor
2 | إيناس | Ines, Inès, Inass
2 | آية | Aya, Ayah
2 | آسية | Assia, Asia, Assiya
2 | ياسمين | Yasmine, Yassmine, Yasmina
2 | نورة | Noura, Nora
3 | شيماء | Chaimae, Chaymae, Chaima, Shaimaa, Chaimaa
3 | كوثر | Kaoutar, Kawtar, Kaouthar, Kawthar
3 | دنيا | Dounia, Donia, Dunya
3 | سهام | Siham, Sihame
3 | مونية | Mounia, Mouniya, Monia
3 | نجوى | Najwa, Najoua
2 | عتيقة | Atika, Atiqa
2 | الضاوية | Daouia, Dawia, Daouiya
3 | خدوج | Khaddouj, Khadouj
3 | إكرام | Ikram, Ikrame
3 | سلوى | Salwa, Saloua
3 | غزلان | Ghizlane, Ghizlaine, Ghislane
3 | هاجر | Hajar, Hajare
2 | سارة | Sara, Sarah
5 | أمينة | Amina, Aminah
3 | زكية | Zakia, Zakiya
2 | رحمة | Rahma, Rahmah
3 | فاطنة | Fatna, Fatena
2 | الزوهرة | Zohra, Zouhra, Ezzohra
"""
