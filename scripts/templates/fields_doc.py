#!/usr/bin/env python3
"""Prints the field reference of templates/fields.json as Markdown (pasted into templates/README.md).

Usage: python3 scripts/templates/fields_doc.py > /tmp/fields.md
"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
spec = json.load(open(os.path.join(ROOT, "templates", "fields.json"), encoding="utf-8"))
types = spec.get("types", {})
KIND = {"text": "Text", "multiline": "Text (mehrzeilig)", "date": "Datum", "datetime": "Datum und Zeit", "bool": "Ja/Nein",
        "amount": "Betrag CHF", "number": "Zahl", "percentage": "Prozent", "ahv": "AHV-Nummer", "choice": "Auswahl",
        "object": "Gruppe", "list": "Liste"}


def resolve(node):
    t = node.get("type", "object" if "fields" in node else "text")
    if t in types:
        merged = dict(types[t])
        merged.update({k: v for k, v in node.items() if k != "type"})
        return merged, merged.get("type", "object")
    return node, t


def walk(fields, prefix, rows, depth=0):
    for key, node in fields.items():
        node, kind = resolve(node)
        path = f"{prefix}{key}"
        label = node.get("label", "")
        extra = []
        if node.get("optional"):
            extra.append("optional")
        if "choices" in node:
            extra.append("Werte: " + ", ".join(f"`{k}` ({v})" for k, v in node["choices"].items()))
        if kind == "list" and "of" in node:
            kind_text = f"Liste von {KIND.get(node['of'], node['of'])}"
        else:
            kind_text = KIND.get(kind, kind)
        if kind not in ("object",):
            rows.append(f"| `{path}` | {kind_text} | {label} | {'; '.join(extra)} |")
        if "fields" in node:
            walk(node["fields"], path + ("[]." if kind == "list" else "."), rows, depth + 1)


rows = ["| Feld | Art | Bedeutung | Hinweise |", "|---|---|---|---|"]
walk(spec["fields"], "", rows)
print("\n".join(rows))
