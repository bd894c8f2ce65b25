"""Moroccan surnames: relative frequency, Arabic script, Latin spellings seen in files.

One name a line: `weight | arabic | spelling, spelling, ...`, the first spelling the most
usual. Particles (`El`, `Ben`, `Bel`, `Ait`, `Ou`, `Bou`) are written apart here; the
writing step joins or hyphenates them as each institution does (`Elamrani`, `El-Amrani`).
Sources for the families of names: DOMAIN.md section 6 (locative, tribal, `Ben`, `Aït`).
"""

from __future__ import annotations

SURNAMES = """
12 | العلوي | Alaoui, El Alaoui, Allaoui
12 | الإدريسي | El Idrissi, Idrissi, Drissi, Al Idrissi
10 | العمراني | El Amrani, Amrani, Al Amrani, Lamrani
6 | الفاسي | El Fassi, Fassi, Al Fassi
5 | التازي | Tazi, Et-Tazi, Ettazi
6 | الفيلالي | Filali, El Filali, Al Filali
6 | العلمي | Alami, El Alami, Lalami
4 | الخطابي | El Khattabi, Khattabi, Al Khattabi
3 | الزروالي | Zerouali, Ez-Zerouali, Zeroualli
4 | أزروال | Azeroual, Azerwal, Azeroul
4 | السباعي | Sbai, Sebbai, Es-Sebai, Sebai
3 | الزواوي | Zouaoui, Ez-Zouaoui, Zaouaoui
4 | المراكشي | Marrakchi, El Marrakchi, Merrakchi
2 | العيوني | Laayouni, El Ayouni, Layouni
5 | الحسني | El Hassani, Hassani, Al Hassani
4 | الحسيني | El Houssaini, Houssaini, El Husseini
3 | الصديقي | Seddiki, Sedikki, Es-Seddiki, Sadiki
5 | الشرقاوي | Cherkaoui, Charkaoui, Ech-Cherkaoui, Cherqaoui
3 | الغربي | Gharbi, El Gharbi, Al Gharbi
5 | الوزاني | Ouazzani, El Ouazzani, Wazzani, Ouazani
3 | الكتاني | Kettani, El Kettani, Kattani
5 | المنصوري | Mansouri, El Mansouri, Al Mansouri
4 | البقالي | Bakkali, El Bakkali, Baqqali
3 | الرحماني | Rahmani, Er-Rahmani, Errahmani
4 | الحمداوي | Hamdaoui, El Hamdaoui, Hamdawi
3 | الصنهاجي | Senhaji, Sanhaji, Es-Senhaji
3 | الريفي | Rifi, Riffi, El Rifi
4 | السوسي | Soussi, Es-Soussi, Essoussi
4 | الدكالي | Doukkali, Doukali, Ed-Doukkali
4 | الشاوي | Chaoui, Ech-Chaoui, Chawi
3 | الزياني | Ziani, Zayani, Ez-Ziani
4 | العزوزي | Azzouzi, El Azzouzi, Azouzi
3 | المرابط | Mrabet, El Mrabet, Merabet
5 | الحداد | Haddad, El Haddad, Al Haddad
4 | النجار | Najjar, En-Najjar, Najar
4 | الخياط | Khayat, El Khayat, Khayyat
2 | البزاز | Bezzaz, El Bazzaz, Bazzaz
3 | العطار | Attar, El Attar, Al Attar
2 | الصباغ | Sebbagh, Es-Sabbagh, Sabbagh
3 | الجزولي | Jazouli, El Jazouli, Jazzouli
4 | الطالبي | Talbi, Et-Talbi, Ettalbi
4 | القادري | Kadiri, El Kadiri, Qadiri
4 | الناصري | Naciri, Nasiri, En-Naciri
3 | البوعزاوي | Bouazzaoui, El Bouazzaoui, Bouazaoui
2 | الحجوجي | Hajjouji, El Hajjouji, Hajouji
4 | العثماني | Othmani, El Othmani, Otmani
2 | الأندلسي | Andaloussi, El Andaloussi, Andalousi
3 | العراقي | Iraki, El Iraki, Laraki
2 | الشامي | Chami, Ech-Chami, Shami
2 | المغربي | Maghribi, El Maghribi, Maghrebi
3 | الركراكي | Regragui, Ragragui, Er-Regragui
2 | البيضاوي | Beidaoui, El Beidaoui, Baidaoui
2 | الطنجاوي | Tanjaoui, Tangaoui, Tanjawi
2 | الورديغي | Ouardighi, El Ouardighi, Wardighi
3 | الهواري | Houari, El Houari, Hawari
8 | بناني | Bennani, Benani, Ben Nani
6 | بنجلون | Benjelloun, Ben Jelloun, Benjeloun
4 | بنكيران | Benkirane, Ben Kirane, Benkiran
3 | بنسليمان | Benslimane, Ben Slimane, Bensliman
5 | بنعلي | Benali, Ben Ali, Ben Aly
4 | بنعمر | Benomar, Ben Omar, Benamor
2 | بنحسي | Benhassi, Ben Hassi, Benhassy
4 | بنموسى | Benmoussa, Ben Moussa, Benmousa
4 | بنعبد الله | Benabdellah, Ben Abdellah, Benabdallah
4 | بنسعيد | Bensaid, Ben Said, Bensaïd
3 | بنيوسف | Benyoussef, Ben Youssef, Benyousef
3 | بنشقرون | Benchekroun, Ben Chekroun, Benchakroun
3 | بنمنصور | Benmansour, Ben Mansour, Benmansor
3 | بنعيسى | Benaissa, Ben Aissa, Benaïssa
3 | بنبراهيم | Benbrahim, Ben Brahim, Benbraim
3 | بنطيب | Bentaib, Ben Taieb, Bentayeb
5 | بلحاج | Belhaj, Bel Haj, Belhadj
4 | بلقاسم | Belkacem, Belkassem, Bel Kacem, Belqasem
3 | بلعربي | Belarbi, Bel Arbi, Belaarbi
2 | بلخياط | Belkhayat, Bel Khayat, Belkhayyat
2 | بلمختار | Belmokhtar, Bel Mokhtar, Belmoukhtar
3 | بلحسن | Belhassan, Bel Hassan, Belhasan
2 | بلغازي | Belghazi, Bel Ghazi, Belgazi
2 | بلفقيه | Belfkih, Belfakih, Bel Fkih
5 | آيت واحمان | Ait Ouahmane, Aït Ouahmane, Ait Wahmane
4 | آيت علي | Ait Ali, Aït Ali, Ait Aly
3 | آيت الحاج | Ait El Haj, Aït Lhaj, Ait Elhadj
3 | آيت إيدر | Ait Idder, Aït Idder, Ait Ider
4 | آيت سعيد | Ait Said, Aït Saïd, Ait Saaid
3 | آيت امبارك | Ait Mbarek, Aït M'barek, Ait Embarek
3 | آيت حمو | Ait Hammou, Aït Hamou, Ait Hamou
2 | آيت الطالب | Ait Taleb, Aït Taleb, Ait Ettaleb
2 | آيت باها | Ait Baha, Aït Baha, Ait Bahha
3 | آيت لحسن | Ait Lahcen, Aït Lahsen, Ait Lahsen
3 | أوحمو | Ouhammou, Ou Hammou, Ouhamou
3 | أوعلي | Ouali, Ou Ali, Oualli
3 | أوبراهيم | Oubrahim, Ou Brahim, Oubraim
3 | أمزيان | Amziane, Amzyan, Amezian
3 | أمغار | Amghar, Amrar, Amghare
2 | أكنوش | Aknouch, Akanouch, Akenouch
2 | أوزين | Ouzine, Ouzin, Ouzzine
2 | أكبداني | Akebdani, Akbdani, Akabdani
4 | بوزيد | Bouzid, Bou Zid, Bouzide
3 | بوعزة | Bouazza, Bou Azza, Bouaza
3 | بوطالب | Boutaleb, Bou Taleb, Boutalb
3 | بوخريص | Boukhris, Boukhriss, Bou Khris
2 | بولامي | Boulami, Boulammi, Boulamy
2 | بوعلام | Boualam, Bou Alam, Bouallam
2 | بوسلهام | Bouselham, Bousselham, Bouslham
2 | بومدين | Boumediene, Boumedine, Bou Mediene
3 | بوزيان | Bouziane, Bouzian, Bou Ziane
2 | بوعبيد | Bouabid, Bou Abid, Bouabide
2 | أبو زيد | Abouzaid, Abou Zaid, Abouzeid
4 | لحلو | Lahlou, Lahlo, Lahlouh
2 | برادي | Berradi, Barradi, Beradi
2 | الشاذلي | Chadili, Chadli, Ech-Chadili
3 | زروق | Zerrouk, Zarrouk, Zerrouq
3 | مرزوق | Marzouk, Merzouk, Marzouq
2 | السقاط | Sekkat, Saqqat, Es-Sekkat
3 | الشرايبي | Chraibi, Cheraibi, Ech-Chraibi
4 | برادة | Berrada, Barrada, Berada
2 | الصقلي | Sqalli, Skalli, Seqalli
2 | المريني | Merini, Marini, El Merini
5 | العمري | Omari, El Omari, Elomari
3 | الصغير | Seghir, Es-Seghir, Sghir
3 | الكبير | Kebir, El Kebir, Lakbir
5 | السعيدي | Saidi, Es-Saidi, Saïdi
3 | الهلالي | Hilali, El Hilali, Helali
3 | الجعفري | Jaafari, El Jaafari, Jaafary
2 | الزهراوي | Zahraoui, Ez-Zahraoui, Zahraoi
4 | الطاهري | Tahiri, Et-Tahiri, Ettahiri
3 | البصري | Basri, El Basri, Elbasri
4 | المسعودي | Messaoudi, El Messaoudi, Massaoudi
2 | الشيخ | Cheikh, Ech-Cheikh, Chikh
2 | الحراق | Harrak, El Harrak, Harak
3 | القباج | Kabbaj, Qabbaj, El Kabbaj
3 | بنيس | Bennis, Benis, Bennys
3 | السلاوي | Slaoui, Sellaoui, Es-Slaoui
2 | الرباطي | Rbati, Er-Rbati, Rabati
2 | التطواني | Tetouani, Et-Tetouani, Tetwani
2 | الحريزي | Harizi, El Harizi, Hrizi
3 | القاسمي | Kassimi, El Kassimi, Qasimi
2 | الزين | Zine, Ez-Zine, Zin
4 | الداودي | Daoudi, Ed-Daoudi, Dawdi
3 | المحمدي | Mohammadi, El Mohammadi, Mohamadi
3 | الأحمدي | Ahmadi, El Ahmadi, Lahmadi
3 | الخلفي | Khalfi, El Khalfi, Kalfi
2 | الرامي | Rami, Er-Rami, Errami
3 | الوافي | Ouafi, El Ouafi, Wafi
2 | الرياحي | Riahi, Er-Riahi, Riyahi
3 | المالكي | Malki, El Malki, Maliki
3 | الكنوني | Guennouni, Kennouni, El Guennouni
2 | التوزاني | Touzani, Et-Touzani, Touzany
3 | اليعقوبي | Yacoubi, El Yaacoubi, Yaakoubi
2 | الزموري | Zemmouri, Ez-Zemmouri, Zamouri
2 | مفتاح | Meftah, Moftah, Miftah
3 | الفاضلي | Fadili, El Fadili, Fadhili
3 | الغزواني | Ghazouani, El Ghazouani, Ghazwani
2 | الخمليشي | Khamlichi, El Khamlichi, Khamlishi
4 | الإسماعيلي | Ismaili, El Ismaili, Smaili
4 | الموساوي | Moussaoui, El Moussaoui, Mousaoui
3 | العسري | Lasri, El Asri, Assri
2 | الودغيري | Oudghiri, El Oudghiri, Wadghiri
2 | القرشي | Korchi, El Korchi, Qorchi
3 | الفقير | Fakir, El Fakir, Faqir
3 | البكري | Bakri, El Bakri, Bekri
2 | المودن | Moudden, El Moudden, Mouden
2 | الزاوي | Zaoui, Ez-Zaoui, Zawi
2 | الشفشاوني | Chefchaouni, Chafchaouni, Chefchawni
2 | الطويل | Taouil, Et-Taouil, Tawil
2 | الجراري | Jirari, El Jirari, Jerrari
3 | الأزرق | Lazrak, El Azrak, Azrak
2 | الخراز | Kharraz, El Kharraz, Kharaz
2 | الدرقاوي | Derkaoui, Darkaoui, Ed-Derkaoui
2 | الكلاوي | Glaoui, El Glaoui, Glawi
"""
