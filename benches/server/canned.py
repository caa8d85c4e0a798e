"""Writes the canned Presence API answers nginx serves to the benchmark.

Shapes are those of the real API (the models of /work/shared/spec/models.json,
as the sandbox answers them): UserPresence for a user's presence and its PATCH,
UcUserPresence x 50 for a bulk read, UserPresence x 50 for a bulk write, and a
25-entry OrganizationPresenceEntityListing page. Ids are random-looking but
fixed (seeded), so every run serves the same bytes.

Usage: canned.py OUT_DIR   (prints the file sizes)
"""

import json
import os
import random
import sys
import uuid

RNG = random.Random(6)

SOURCE_ID = "4e6d454e-7f3f-5dfe-a9fe-3723466aa883"
SYSTEM = ["Available", "Away", "Busy", "Offline", "Idle", "On Queue", "Meal", "Training",
          "Meeting", "Break"]
MESSAGES = ["", "", "", "In a meeting", "Back at 3pm", "Working from home today",
            "Lunch", "Customer call - do not disturb"]


def uid() -> str:
    return str(uuid.UUID(int=RNG.getrandbits(128), version=4))


SYSTEM_DEFINITIONS = {name: uid() for name in SYSTEM}


def stamp() -> str:
    return "2026-11-%02dT%02d:%02d:%02d.%03dZ" % (
        RNG.randint(1, 28), RNG.randint(0, 23), RNG.randint(0, 59), RNG.randint(0, 59),
        RNG.randint(0, 999))


def definition(system: str) -> dict:
    definition_id = SYSTEM_DEFINITIONS[system]
    return {"id": definition_id,
            "selfUri": f"/api/v2/presencedefinitions/{definition_id}",
            "systemPresence": system}


def user_presence(user_id: str, system: str, message: str) -> dict:
    """A UserPresence, as GET/PATCH /api/v2/users/{id}/presences/purecloud answer."""
    presence = {"id": user_id}
    if message:
        presence["message"] = message
    presence.update({
        "modifiedDate": stamp(),
        "presenceDefinition": definition(system),
        "primary": True,
        "selfUri": f"/api/v2/users/{user_id}/presences/purecloud",
        "source": "PURECLOUD",
        "sourceId": SOURCE_ID,
    })
    return presence


def uc_user_presence(user_id: str) -> dict:
    """A UcUserPresence, as the bulk read answers it."""
    presence = {"id": user_id}
    message = RNG.choice(MESSAGES)
    if message:
        presence["message"] = message
    presence.update({
        "modifiedDate": stamp(),
        "presenceDefinition": definition(RNG.choice(SYSTEM)),
        "selfUri": f"/api/v2/users/{user_id}/presences/purecloud",
        "source": "PURECLOUD",
        "sourceId": SOURCE_ID,
        "userId": user_id,
    })
    return presence


def organization_presence(system: str, name: str, primary: bool) -> dict:
    """An OrganizationPresence of the deprecated /api/v2/presencedefinitions listing."""
    definition_id = SYSTEM_DEFINITIONS[system] if primary else uid()
    entry = {"createdDate": "2024-03-%02dT09:12:44.000Z" % RNG.randint(1, 28)}
    if not primary:
        author = uid()
        entry["createdBy"] = {"id": author, "selfUri": f"/api/v2/users/{author}"}
        entry["modifiedBy"] = {"id": author, "selfUri": f"/api/v2/users/{author}"}
    entry.update({
        "deactivated": False,
        "id": definition_id,
        "languageLabels": {"en_US": name} if primary else
        {"en_US": name, "de": name + " (de)", "fr": name + " (fr)", "es": name + " (es)"},
        "modifiedDate": stamp(),
        "name": name,
        "primary": primary,
        "selfUri": f"/api/v2/presencedefinitions/{definition_id}",
        "systemPresence": system,
    })
    return entry


def main() -> None:
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    user = uid()
    users = [uid() for _ in range(50)]
    secondary = [("Busy", "Focus time"), ("Away", "Coffee"), ("Meeting", "1:1"),
                 ("Busy", "Escalation"), ("Away", "Commuting"), ("Training", "E-learning"),
                 ("Break", "Short break"), ("Meeting", "All hands"), ("Busy", "Back office"),
                 ("Available", "Chat only"), ("Away", "Doctor"), ("Busy", "Coaching"),
                 ("Meal", "Late lunch"), ("Training", "Shadowing"), ("Busy", "Project work")]
    entities = [organization_presence(name, name, True) for name in SYSTEM]
    entities += [organization_presence(system, name, False) for system, name in secondary]
    page_uri = "/api/v2/presencedefinitions?pageSize=25&pageNumber=1"
    files = {
        "user_presence.json": user_presence(user, "Available", ""),
        "user_presence_patched.json": user_presence(user, "Busy", "In a meeting"),
        "users_presences_bulk.json": [uc_user_presence(u) for u in users],
        "users_presences_bulk_put.json": [
            user_presence(u, "Busy", "") for u in users],
        "presencedefinitions.json": {
            "entities": entities, "firstUri": page_uri, "lastUri": page_uri,
            "pageCount": 1, "pageNumber": 1, "pageSize": 25, "selfUri": page_uri,
            "total": len(entities)},
        # The ids and the definition the clients use, for their requests.
        "ids.json": {"user": user, "users": users, "busy": SYSTEM_DEFINITIONS["Busy"]},
    }
    for name, value in files.items():
        text = json.dumps(value, separators=(",", ":"))
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as file:
            file.write(text)


if __name__ == "__main__":
    main()
