"""Checks of the data-sharing agreement's optional sections and recipients, for the wording and
consistency tests: a clause is there exactly when the spec writes its values, says them as the
spec does, and every recipient is named, bound and signs; the consent form names them all."""

from __future__ import annotations

from typing import Any

DEV = "personal devices (computers, phones or tablets that its staff or volunteers own)"
MEDIA = "removable media (such as USB drives or external disks)"


def _name(party: dict[str, Any]) -> str:
    return str(party.get("short_name") or party["legal_name"])


def section_problems(data: dict[str, Any], docs: dict[str, str]) -> list[str]:
    """Each optional section of the DSA of ``data``: present when written, absent when not."""
    dsa = docs.get("data-sharing-agreement")
    if dsa is None:
        return []
    sharing = data["data_sharing"]
    out: list[str] = []

    def said(text: str, when: bool, what: str) -> None:
        if (text in dsa) != when:
            out.append(f"data-sharing-agreement {'lacks' if when else 'has'} {what}: {text!r}")

    storage = sharing.get("storage_limits")
    said("[heading 1] Where the Data Is Stored", bool(storage), "the storage section")
    for place in (storage or {}).get("locations", []):
        said(f"[List Bullet] {place.rstrip('.')}\n", True, "a permitted place")
    devices = (storage or {}).get("personal_devices")
    media = (storage or {}).get("removable_media")
    said("will not store the data on personal devices", devices is False, "no personal devices")
    said(f"will not copy the data to {MEDIA}", media is False and devices is not False,
         "no removable media")
    said("may also keep the data on", bool(devices or media), "a storage permission")
    promises = sharing.get("no_profiling") or {}
    any_promise = any(promises.get(k) for k in ("no_student_profiles", "no_targeted_advertising",
                                                "no_sale"))
    said(" will not:\n", any_promise, "the no-profiling clause")
    said("to build a profile of a student", bool(promises.get("no_student_profiles")),
         "no profiles")
    said("to target advertising", bool(promises.get("no_targeted_advertising")), "no advertising")
    said("sell, rent or trade", bool(promises.get("no_sale")), "no sale")
    for law in promises.get("laws", []):
        said(f"Consistent with {law}, ", any_promise, "the law the clause follows")
    subs = sharing.get("subcontractors")
    said("[heading 1] Subcontractors", bool(subs), "the subcontractors section")
    said("will not let any subcontractor", subs is not None and subs["allowed"] is False,
         "no subcontractors")
    allowed = bool(subs and subs["allowed"])
    said("prior written approval of", allowed and bool(subs and subs.get("prior_written_approval")),
         "prior approval")
    said("binds it to the same terms", allowed and bool(subs and subs.get("written_agreement")),
         "a binding written agreement")
    said("remains responsible for what its subcontractors",
         allowed and bool(subs and subs.get("recipient_responsible")), "the recipient's "
         "responsibility")
    health = sharing.get("health_records")
    said("[heading 1] Health Records and Education Records", bool(health), "the health section")
    said("is a covered entity under the Health Insurance Portability",
         bool(health and health.get("hipaa_covered_entity")), "the HIPAA sentence")
    said("Education records. ", bool(health and health.get("school_keeps")), "school records")
    return out


def recipient_inconsistencies(data: dict[str, Any], docs: dict[str, str]) -> list[str]:
    """Each recipient of the DSA of ``data``: named and defined, with its own authorized users,
    signing; and named on the consent form of the English notice."""
    dsa = docs.get("data-sharing-agreement")
    if dsa is None:
        return []
    sharing, parties = data["data_sharing"], data["parties"]
    recipients = [("partner", sharing.get("authorized_users", []))] + [
        (r["party"], r.get("authorized_users", [])) for r in sharing.get("additional_recipients",
                                                                            [])]
    several = len(recipients) > 1
    out = []
    if ("(each a “Recipient”)" in dsa) != several:
        out.append(f"data-sharing-agreement defines 'Recipient' with {len(recipients)} recipients")
    signing = dsa[dsa.index("IN WITNESS WHEREOF"):]
    notice = docs.get("notice-en")
    for key, users in recipients:
        party = parties[key]
        if f"{party['legal_name']}{', ' + party['legal_status'] if party.get('legal_status') else ''}"\
                f" (“{_name(party)}”)" not in dsa:
            out.append(f"data-sharing-agreement does not name and define the {key}")
        if f"\n{party['legal_name']}\n" not in signing and f"\n{party['legal_name']}," not in signing:
            out.append(f"the {key} does not sign the data-sharing agreement")
        at = f" at {_name(party)}" if several else ""
        if users:
            if f"Only the following people{at} may access the data" not in dsa:
                out.append(f"data-sharing-agreement does not list the {key}'s authorized users")
            for user in users:
                if f"[List Bullet] {user['name']}" not in dsa:
                    out.append(f"data-sharing-agreement does not list {user['name']!r}")
        elif f"Only employees and volunteers of {_name(party)} who need" not in dsa:
            out.append(f"data-sharing-agreement does not limit the {key}'s access")
        if (notice is not None and sharing["legal_basis"] == "consent"
                and f"share these records with" in notice and party["legal_name"] not in
                notice[notice.index("share these records with"):]):
            out.append(f"notice-en's consent form does not name the {key}")
    return out
