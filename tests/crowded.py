"""Specs that crowd the page: long names, long e-mail addresses, many contacts and signatures."""

from __future__ import annotations

import copy
import json
from typing import Any

from conftest import ROOT

CHAVEZ = ROOT / "samples/chavez-middle-la-clinica-health.json"

_PEOPLE = [
    ("Alexandria Montgomery-Villanueva", "Deputy Superintendent for Community Partnerships",
     "district", "alexandria.montgomery-villanueva@fruitvaleusd.example.org", "(510) 555-0311"),
    ("Dr. Bartholomew Nakamura-Oyelaran", "Director of Research, Assessment and Accountability",
     "district", "bartholomew.nakamura@fruitvaleusd.example.org", "+1 510 555 0312 ext. 4521"),
    ("Guadalupe Hernández de la Cruz", "Assistant Principal", "school",
     "guadalupe.hernandez-delacruz@fruitvaleusd.example.org", "(510) 555-0313"),
    ("Nguyễn Thị Minh Khai", "Family Engagement Liaison", "school",
     "minhkhai.nguyen@fruitvaleusd.example.org", "(510) 555-0314"),
    ("Christopher Abernathy-Livingston", "Behavioral Health Clinical Supervisor", "partner",
     "christopher.abernathy-livingston@laclinica.example.org", "(510) 555-0315 x 77"),
    ("Oluwaseun Adebayo-Fitzgerald", "Data Privacy and Security Officer", "partner",
     "oluwaseun.adebayo-fitzgerald@laclinica.example.org", "(510) 555-0316"),
    ("Maximiliano Rodríguez-Santiesteban", "Community Schools Initiative Manager", "lead_agency",
     "maximiliano.rodriguez-santiesteban@ciseastbay.example.org", "(510) 555-0317"),
    ("Anh Thư Trần", "Case Manager", "lead_agency", "anhthu.tran@ciseastbay.example.org",
     "(510) 555-0318"),
]


def crowded() -> dict[str, Any]:
    """Chávez with long legal names, eight more contacts with long names and e-mail addresses
    (hyphens in them), each a data contact, and a signatory for every party."""
    data = copy.deepcopy(json.loads(CHAVEZ.read_text(encoding="utf-8")))
    data["id"] = "crowded-2026-27"
    parties = data["parties"]
    parties["partner"]["legal_name"] = ("La Clínica de la Comunidad, Incorporated, a California "
                                        "Nonprofit Public Benefit Corporation")
    parties["lead_agency"]["legal_name"] = ("Communities In Schools of the East Bay and Greater "
                                            "Oakland Metropolitan Area")
    for i, (name, title, party, email, phone) in enumerate(_PEOPLE):
        data["contacts"].append({
            "id": f"crowd{i}", "name": name, "title": title, "party": party, "email": email,
            "phone": phone, "responsibilities": ["partnership", "data", "data_security"],
            "languages": ["en", "es", "vi", "zh-Hans"][: 1 + i % 4]})
    if not any(s["party"] == "school" for s in data["signatures"]):
        data["signatures"].append({"party": "school", "name": "Keisha Washington",
                                   "title": "Principal"})
    return data
