"""Declared uses of loans, in French, by activity for activity loans and by product otherwise.

Loan-use checks compare the declared purpose with the activity, so the purposes follow the
borrower's activity (ARDI's split of 2017, DOMAIN.md section 5: commerce, crafts, services,
farming and livestock).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from centrale.synth.names import pick_in_runs

#: Purposes of activity loans, one list per activity of `persons.ACTIVITIES`, then housing
#: loans, then micro-enterprise loans.
PURPOSES: list[list[str]] = [
    [
        "Achat de marchandises pour l'épicerie",
        "Renouvellement du stock de vêtements",
        "Fonds de roulement du commerce",
        "Achat de fruits et légumes pour la revente",
        "Aménagement du local commercial",
        "Achat d'un réfrigérateur pour le magasin",
    ],
    [
        "Achat de laine pour le tissage de tapis",
        "Achat d'un métier à tisser",
        "Achat de cuir et de fournitures pour la maroquinerie",
        "Outillage pour l'atelier de menuiserie",
        "Achat d'argile et de peinture pour la poterie",
        "Achat de fil et de tissu pour la couture",
    ],
    [
        "Achat de semences et d'engrais",
        "Achat d'une motopompe pour l'irrigation",
        "Location de terres pour la saison",
        "Achat de plants d'oliviers",
        "Frais de récolte et de transport",
    ],
    [
        "Achat de deux brebis",
        "Achat d'une vache laitière",
        "Achat d'aliments pour le bétail",
        "Engraissement de moutons pour l'Aïd",
        "Achat de ruches pour l'apiculture",
        "Construction d'un poulailler",
    ],
    [
        "Achat d'un triporteur pour les livraisons",
        "Équipement du salon de coiffure",
        "Achat d'une machine à coudre",
        "Matériel de réparation de téléphones",
        "Équipement d'un snack",
        "Achat d'un four pour la pâtisserie",
    ],
    [
        "Démarrage d'une petite activité",
        "Achat de matériel professionnel",
        "Fonds de roulement",
    ],
    [
        "Construction d'une pièce supplémentaire",
        "Rénovation du logement",
        "Raccordement au réseau d'électricité",
        "Raccordement au réseau d'eau potable",
        "Réfection de la toiture",
        "Apport pour l'achat d'un logement social",
    ],
    [
        "Extension de l'atelier",
        "Achat d'un véhicule utilitaire",
        "Acquisition d'équipements de production",
        "Ouverture d'un second point de vente",
        "Mise aux normes du local professionnel",
    ],
]
_HOUSING, _MICRO_ENTERPRISE = 6, 7

FLAT_PURPOSES = np.array([p for group in PURPOSES for p in group])
_COUNTS = np.array([len(group) for group in PURPOSES], dtype=np.int64)
_FIRST = np.concatenate([[0], np.cumsum(_COUNTS)[:-1]]).astype(np.int64)


def draw_purposes(
    rng: np.random.Generator, product: NDArray[np.int64], activity: NDArray[np.int64]
) -> NDArray[np.int64]:
    """An index into `FLAT_PURPOSES` for each loan (products as in `loans.PRODUCTS`).

    >>> index = draw_purposes(np.random.default_rng(0), np.array([2]), np.array([0]))
    >>> str(FLAT_PURPOSES[index][0]) in PURPOSES[6]
    True
    """
    kind = np.where(product == 2, _HOUSING, np.where(product == 3, _MICRO_ENTERPRISE, activity))
    return pick_in_runs(rng, _FIRST[kind], _COUNTS[kind])
