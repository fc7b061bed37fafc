"""Events in the shapes event-data users already load: GDELT 2.0 and PLOVER/POLECAT.

``write_gdelt_tsv(store, path)``: one row per event that happened, the 61 columns of the
GDELT 2.0 event table in GDELT's order (tab-separated, with a header row unless
``header=False``). ``write_plover_json(store, path)``: one object per event, PLOVER/POLECAT
style (JSON array; JSON Lines when the path ends in .jsonl). The column mappings, and where
they differ from the originals, are in docs/export-formats.md."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from datetime import date as _date
from pathlib import Path

from ..store import Store
from . import records as R

__all__ = ["write_gdelt_tsv", "write_plover_json", "GDELT_COLUMNS", "gdelt_rows", "plover_records"]

GDELT_COLUMNS = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
]

# Our roles -> CAMEO actor type codes (the three letters after the country in Actor1Code).
ROLE_TYPE = {"HEAD_OF_STATE": "GOV", "HEAD_OF_GOV": "GOV", "FOREIGN_MINISTER": "GOV", "MINISTER": "GOV",
             "GOV": "GOV", "DIPLOMAT": "GOV", "LEG": "LEG", "MIL": "MIL", "BUS": "BUS", "MEDIA": "MED", "MED": "MED",
             "IGO": "IGO", "NGO": "NGO", "JUD": "JUD", "COP": "COP", "OPP": "OPP", "CVL": "CVL", "EDU": "EDU"}
# PLOVER's actor sectors for the same roles (POLECAT's "sector" attribute).
ROLE_SECTOR = {"HEAD_OF_STATE": "Government", "HEAD_OF_GOV": "Government", "FOREIGN_MINISTER": "Government",
               "MINISTER": "Government", "GOV": "Government", "DIPLOMAT": "Government", "LEG": "Legislature",
               "MIL": "Military", "BUS": "Business", "MEDIA": "Media", "MED": "Media", "IGO": "International Organization",
               "NGO": "NGO", "JUD": "Judiciary", "COP": "Police", "OPP": "Opposition", "CVL": "Civilian", "EDU": "Education"}
# Goldstein (1992) weights as the CAMEO codebook gives them: root codes, and the codes our
# extractor uses most. Codes not listed take their root's weight.
GOLDSTEIN = {"01": 0.0, "02": 3.0, "03": 4.0, "04": 1.0, "05": 3.5, "06": 6.0, "07": 7.0, "08": 5.0, "09": -2.0,
             "10": -5.0, "11": -2.0, "12": -4.0, "13": -6.0, "14": -6.5, "15": -7.2, "16": -4.0, "17": -7.0,
             "18": -9.0, "19": -10.0, "20": -10.0,
             "036": 4.0, "042": 1.9, "043": 2.8, "057": 8.0}


def _quad_class(root: str) -> str:
    """GDELT's QuadClass from the CAMEO root: 1 verbal cooperation, 2 material cooperation,
    3 verbal conflict, 4 material conflict."""
    if not root.isdigit():
        return ""
    r = int(root)
    return "1" if 1 <= r <= 5 else "2" if 6 <= r <= 8 else "3" if 9 <= r <= 13 else "4" if 14 <= r <= 20 else ""


def _event_number(event_id: str) -> int:
    """A stable positive integer for our string id (GDELT ids are integers)."""
    return int(hashlib.sha1(event_id.encode("utf-8")).hexdigest()[:15], 16)


def _day_parts(value: str | None) -> tuple[str, str, str, str]:
    """SQLDATE, MonthYear, Year, FractionDate; a month or year date takes its first day."""
    if not value or not str(value)[:4].isdigit():
        return "", "", "", ""
    parts = str(value).split("-")
    y = int(parts[0])
    m = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
    d = int(parts[2][:2]) if len(parts) > 2 and parts[2][:2].isdigit() else 1
    try:
        day = _date(y, m, d)
    except ValueError:
        return "", "", "", ""
    frac = y + (day.timetuple().tm_yday - 1) / (366 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 365)
    return day.strftime("%Y%m%d"), day.strftime("%Y%m"), str(y), f"{frac:.4f}"


def _country_name(code: str | None) -> str:
    if not code or code.startswith("IGO:"):
        return code[4:] if code else ""
    try:
        import pycountry
        c = pycountry.countries.get(alpha_3=code)
        return getattr(c, "common_name", None) or c.name if c else code
    except (ImportError, LookupError, KeyError):
        return code


def _actor_columns(actor: dict | None) -> list[str]:
    """Code, Name, CountryCode, KnownGroupCode, EthnicCode, Religion1, Religion2, Type1, Type2, Type3."""
    if not actor:
        return [""] * 10
    country = actor.get("country") or ""
    role_type = ROLE_TYPE.get((actor.get("role") or "").upper(), "")
    if country.startswith("IGO:"):
        return ["IGO" + country[4:].upper()[:6], actor.get("name") or "", "", country[4:], "", "", "", "IGO", "", ""]
    return [country + role_type, actor.get("name") or "", country, "", "", "", "", role_type, "", ""]


def _tsv(value) -> str:
    # Tabs and newlines would break the row; GDELT fields never hold them.
    return " ".join(str(value).split()) if value is not None else ""


def _source_ref(doc: dict) -> str:
    """SOURCEURL: the article's http(s) url, else its source when that is a file path (never a
    javascript: or data: url that a consumer might turn into a link)."""
    url = R.safe_url(doc.get("url"))
    if url:
        return url
    source = str(doc.get("source") or "")
    return "" if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?![\\/\d])", source) else source


def gdelt_rows(con) -> list[list[str]]:
    """One GDELT-style row per event that happened (negated and planned events are left out)."""
    rows = []
    docs: dict[str, dict] = {}
    total, events = R.list_events(con, R.Filters(), limit=None, include_negated=False)
    for e in events:
        if (e.get("status") or "reported") == "planned":
            continue
        cameo = str(e.get("cameo") or "")
        root, base = cameo[:2], cameo[:3]
        evidence = e["evidence"] or [{"doc_id": e["doc_id"], "start": 0}]
        for ev in evidence:
            did = ev.get("doc_id")
            if did and did not in docs:
                docs[did] = R.get_document(con, did, with_records=False) or {}
        doc = docs.get(e["doc_id"]) or {}
        cited = [docs.get(ev.get("doc_id")) or {} for ev in evidence]
        sqldate, monthyear, year, frac = _day_parts(e.get("date") or doc.get("published"))
        goldstein = GOLDSTEIN.get(base, GOLDSTEIN.get(root))
        loc = e.get("location") or {}
        loc_country = loc.get("country") or ""
        if loc.get("name"):
            country_name = _country_name(loc_country) if loc_country else ""
            is_country = country_name and loc["name"].strip().lower() == country_name.lower()
            geo = ["1" if is_country else "4", ", ".join(x for x in (loc["name"], "" if is_country else country_name) if x),
                   loc_country, "", "", "", "", ""]
        else:
            geo = [""] * 8
        # The event is a root event when its first evidence is in the article's lead paragraph.
        first = evidence[0]
        text = (docs.get(first.get("doc_id")) or {}).get("text") or ""
        lead_end = text.find("\n") if "\n" in text else len(text)
        is_root = "1" if isinstance(first.get("start"), int) and first["start"] <= max(lead_end, 0) else "0"
        url = _source_ref(doc)
        added = (sqldate or "") and (_day_parts(doc.get("published"))[0] or sqldate) + "000000"
        row = [str(_event_number(e["id"])), sqldate, monthyear, year, frac,
               *_actor_columns(e.get("source")), *_actor_columns(e.get("target")),
               is_root, cameo, base, root, _quad_class(root), "" if goldstein is None else f"{goldstein:.1f}",
               str(len(evidence)), str(len({c.get("outlet") or c.get("id") for c in cited if c})),
               str(len({ev.get("doc_id") for ev in evidence if ev.get("doc_id")})), "",
               *([""] * 8), *([""] * 8), *geo, added, url]
        rows.append([_tsv(v) for v in row])
    return rows


def write_gdelt_tsv(store: Store, path: str | Path, header: bool = True) -> int:
    """Write the GDELT-style event table; returns the number of events written."""
    rows = gdelt_rows(store.con)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
        if header:
            writer.writerow(GDELT_COLUMNS)
        writer.writerows(rows)
    os.replace(partial, path)
    return len(rows)


def _plover_actor(actor: dict | None) -> dict | None:
    if not actor:
        return None
    role = actor.get("role")
    return {"name": actor.get("name"), "entity_id": actor.get("entity_id"), "country": actor.get("country"),
            "role": role, "sector": ROLE_SECTOR.get((role or "").upper()), "title": actor.get("title")}


def plover_records(con) -> list[dict]:
    """One PLOVER/POLECAT-style object per event (all events, with status and negated)."""
    out = []
    docs: dict[str, dict] = {}
    for e in R.list_events(con, R.Filters(), limit=None)[1]:
        sources = []
        for ev in e["evidence"]:
            did = ev.get("doc_id")
            if did and did not in docs:
                docs[did] = R.get_document(con, did, with_records=False) or {}
            d = docs.get(did) or {}
            sources.append({"doc_id": did, "outlet": d.get("outlet"), "title": d.get("title"), "url": d.get("url"),
                            "published": d.get("published"), "start": ev.get("start"), "end": ev.get("end"),
                            "text": ev.get("text")})
        doc = docs.get(e["doc_id"]) or R.get_document(con, e["doc_id"], with_records=False) or {}
        loc = e.get("location") or None
        out.append({
            "event_id": e["id"], "event_date": e.get("date"), "date_precision": e.get("date_precision"),
            "date_from": e.get("date_from"), "story_date": doc.get("published"),
            "event_type": e.get("plover"), "mode": e.get("mode"), "context": [],
            "cameo": e.get("cameo"), "source": _plover_actor(e.get("source")), "target": _plover_actor(e.get("target")),
            "location": {"name": loc.get("name"), "country": loc.get("country"), "lat": None, "lon": None}
            if isinstance(loc, dict) else None,
            "status": e.get("status") or "reported", "negated": bool(e.get("negated")),
            "confidence": e.get("confidence"), "summary": e.get("summary"), "trigger": e.get("trigger"),
            "story_id": e.get("story_id") or doc.get("story_id"), "doc_id": e["doc_id"],
            "num_sources": len({s["outlet"] or s["doc_id"] for s in sources}), "sources": sources,
        })
    return out


def write_plover_json(store: Store, path: str | Path) -> int:
    """Write the PLOVER/POLECAT-style events (a JSON array, or JSON Lines for .jsonl)."""
    records = plover_records(store.con)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="utf-8") as fh:
        if path.suffix.lower() == ".jsonl":
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        else:
            json.dump(records, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
    os.replace(partial, path)
    return len(records)
