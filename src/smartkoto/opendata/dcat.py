"""DCAT-AP (JSON-LD, Turtle, RDF/XML) and DCAT-US 1.1 data.json for the published catalog.

The graph is built once as a list of triples and written in each syntax by a small serialiser here,
so the project needs no RDF library. Catalog pages hold 100 datasets with Hydra paging; `modified_since`
keeps only datasets changed at or after the given time.
"""

import json
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime

from smartkoto.core.i18n import tr

from . import ckan, publisher, queries
from .models import FREQUENCY_EU, FREQUENCY_ISO, THEMES

PAGE_SIZE = 100
NS = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "hydra": "http://www.w3.org/ns/hydra/core#",
    "spdx": "http://spdx.org/rdf/terms#", "adms": "http://www.w3.org/ns/adms#", "schema": "http://schema.org/",
}
EU_FREQ = "http://publications.europa.eu/resource/authority/frequency/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_LANG = "http://publications.europa.eu/resource/authority/language/"


@dataclass(frozen=True)
class URI:
    value: str


@dataclass(frozen=True)
class Lit:
    value: str
    lang: str = ""
    datatype: str = ""


@dataclass(frozen=True)
class BNode:
    id: str


class Graph:
    def __init__(self):
        self.triples = []
        self._n = 0

    def add(self, s, p, o):
        if o is None or (isinstance(o, Lit) and o.value in ("", None)):
            return
        self.triples.append((s, p, o))

    def bnode(self):
        self._n += 1
        return BNode(f"b{self._n}")


def _expand(curie):
    prefix, local = curie.split(":", 1)
    return NS[prefix] + local


def _dt(value):
    return Lit(value.isoformat(timespec="seconds"), datatype="xsd:dateTime") if value else None


# -- building ---------------------------------------------------------------------------------------
def dataset_uri(ds):
    return ckan.site_url() + reverse("opendata:dataset", args=[ds.name])


def add_dataset(g, ds, catalog=None):
    s = URI(dataset_uri(ds))
    municipality = publisher.name("ja")
    if catalog:
        g.add(catalog, "dcat:dataset", s)
    g.add(s, "rdf:type", URI(_expand("dcat:Dataset")))
    for lang in ("ja", "en"):
        g.add(s, "dct:title", Lit(ds.title.get(lang, ""), lang))
        g.add(s, "dct:description", Lit((ds.notes or {}).get(lang, ""), lang))
    g.add(s, "dct:identifier", Lit(str(ds.pk)))
    g.add(s, "adms:identifier", Lit(ds.name))
    for tag in ds.tags:
        g.add(s, "dcat:keyword", Lit(tag, "ja"))
    for theme in ds.themes:
        if theme in THEMES:
            g.add(s, "dcat:theme", URI(EU_THEME + THEMES[theme][2]))
    g.add(s, "dct:issued", _dt(ds.created))
    g.add(s, "dct:modified", _dt(ds.modified))
    g.add(s, "dct:language", URI(EU_LANG + "JPN"))
    g.add(s, "dcat:landingPage", URI(dataset_uri(ds)))
    g.add(s, "dct:accrualPeriodicity", URI(EU_FREQ + FREQUENCY_EU.get(ds.frequency, "IRREG")))
    if ds.standard_id:
        g.add(s, "dct:conformsTo", URI(ckan.site_url() + reverse("opendata:schema", args=[ds.standard_id])))
    if ds.spatial:
        place = g.bnode()
        g.add(s, "dct:spatial", place)
        g.add(place, "rdf:type", URI(_expand("dct:Location")))
        g.add(place, "dct:identifier", Lit(publisher.code()))
        g.add(place, "schema:name", Lit(ds.spatial, "ja"))
    if ds.temporal_start or ds.temporal_end:
        period = g.bnode()
        g.add(s, "dct:temporal", period)
        g.add(period, "rdf:type", URI(_expand("dct:PeriodOfTime")))
        g.add(period, "dcat:startDate", Lit(ds.temporal_start.isoformat(), datatype="xsd:date") if ds.temporal_start else None)
        g.add(period, "dcat:endDate", Lit(ds.temporal_end.isoformat(), datatype="xsd:date") if ds.temporal_end else None)
    organization = URI(f"{ckan.site_url()}/opendata/?organization={ds.department_code}")
    g.add(s, "dct:publisher", organization)
    g.add(organization, "rdf:type", URI(_expand("foaf:Organization")))
    g.add(organization, "foaf:name", Lit(f"{municipality} {ckan.organization_dict(ds.department_code)['title']}", "ja"))
    if ds.contact_name or ds.contact_email:
        contact = g.bnode()
        g.add(s, "dcat:contactPoint", contact)
        g.add(contact, "rdf:type", URI(_expand("vcard:Organization")))
        g.add(contact, "vcard:fn", Lit(ds.contact_name or municipality))
        if ds.contact_email:
            g.add(contact, "vcard:hasEmail", URI(f"mailto:{ds.contact_email}"))
    license = ds.license_info()
    for resource in ds.resources.all():
        d = URI(f"{dataset_uri(ds)}#resource-{resource.pk}")
        g.add(s, "dcat:distribution", d)
        g.add(d, "rdf:type", URI(_expand("dcat:Distribution")))
        g.add(d, "dct:title", Lit(tr(resource.name, "ja"), "ja"))
        g.add(d, "dct:identifier", Lit(str(resource.pk)))
        g.add(d, "dcat:accessURL", URI(ckan.site_url() + reverse("opendata:resource", args=[ds.name, resource.pk])))
        g.add(d, "dcat:downloadURL", URI(ckan.download_url(resource)))
        g.add(d, "dct:format", Lit(resource.format))
        if license["url"]:
            g.add(d, "dct:license", URI(license["url"]))
        version = resource.current
        if version:
            g.add(d, "dcat:mediaType", URI(f"https://www.iana.org/assignments/media-types/{version.media_type}"))
            g.add(d, "dcat:byteSize", Lit(str(version.size), datatype="xsd:decimal"))
            g.add(d, "dct:modified", _dt(version.uploaded_at))
            checksum = g.bnode()
            g.add(d, "spdx:checksum", checksum)
            g.add(checksum, "rdf:type", URI(_expand("spdx:Checksum")))
            g.add(checksum, "spdx:algorithm", URI(_expand("spdx:checksumAlgorithm_sha256")))
            g.add(checksum, "spdx:checksumValue", Lit(version.sha256, datatype="xsd:hexBinary"))
        if resource.schema_id:
            g.add(d, "dct:conformsTo", URI(ckan.site_url() + reverse("opendata:schema", args=[resource.schema_id])))
    return s


def parse_since(value):
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(value)
        from datetime import datetime, time

        moment = datetime.combine(day, time.min)
    from datetime import datetime, timezone as dt_timezone

    from django.utils import timezone

    # Kept inside 1970–9000 (UTC), so that the year-1 and year-9999 edges cannot overflow in a conversion.
    earliest, latest = datetime(1970, 1, 1, tzinfo=dt_timezone.utc), datetime(9000, 1, 1, tzinfo=dt_timezone.utc)
    if moment.year < 1971:
        return earliest
    if moment.year > 8999:
        return latest
    # in UTC: an offset Python accepts (up to ±23:59) may be one PostgreSQL refuses (±15:59)
    return (timezone.make_aware(moment) if moment.tzinfo is None else moment).astimezone(dt_timezone.utc)


def catalog_graph(page=1, modified_since=None, fmt="jsonld"):
    datasets = queries.published().order_by("-modified", "name")
    if modified_since:
        datasets = datasets.filter(modified__gte=modified_since)
    total = datasets.count()
    last = max(1, -(-total // PAGE_SIZE))
    page = max(1, min(page, last))
    g = Graph()
    base = ckan.site_url()
    catalog = URI(f"{base}/catalog.{fmt}")
    g.add(catalog, "rdf:type", URI(_expand("dcat:Catalog")))
    name_ja, name_en = publisher.name("ja"), publisher.name("en")
    g.add(catalog, "dct:title", Lit(f"{name_ja}オープンデータカタログ", "ja"))
    g.add(catalog, "dct:title", Lit(f"{name_en} open data catalog", "en"))
    g.add(catalog, "dct:description", Lit(f"{name_ja}が公開するオープンデータ（Smart KOTO）", "ja"))
    g.add(catalog, "foaf:homepage", URI(f"{base}/opendata/"))
    g.add(catalog, "dct:language", URI(EU_LANG + "JPN"))
    g.add(catalog, "dct:publisher", URI(f"{base}/"))
    g.add(URI(f"{base}/"), "foaf:name", Lit(name_ja, "ja"))
    for ds in datasets[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]:
        add_dataset(g, ds, catalog)
    suffix = f"&modified_since={modified_since.isoformat()}" if modified_since else ""
    paging = URI(f"{base}/catalog.{fmt}?page={page}{suffix}")
    g.add(paging, "rdf:type", URI(_expand("hydra:PagedCollection")))
    g.add(paging, "hydra:totalItems", Lit(str(total), datatype="xsd:integer"))
    g.add(paging, "hydra:itemsPerPage", Lit(str(PAGE_SIZE), datatype="xsd:integer"))
    g.add(paging, "hydra:firstPage", Lit(f"{base}/catalog.{fmt}?page=1{suffix}"))
    g.add(paging, "hydra:lastPage", Lit(f"{base}/catalog.{fmt}?page={last}{suffix}"))
    if page < last:
        g.add(paging, "hydra:nextPage", Lit(f"{base}/catalog.{fmt}?page={page + 1}{suffix}"))
    if page > 1:
        g.add(paging, "hydra:previousPage", Lit(f"{base}/catalog.{fmt}?page={page - 1}{suffix}"))
    return g


def dataset_graph(ds):
    g = Graph()
    add_dataset(g, ds)
    return g


# -- writing ------------------------------------------------------------------------------------------
def _ttl_term(term):
    if isinstance(term, URI):
        for prefix, ns in NS.items():
            local = term.value[len(ns):]
            if term.value.startswith(ns) and local and all(c.isalnum() or c in "_-" for c in local):
                return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, BNode):
        return f"_:{term.id}"
    text = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if term.lang:
        return f'"{text}"@{term.lang}'
    if term.datatype:
        return f'"{text}"^^{term.datatype}'
    return f'"{text}"'


def to_turtle(g):
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in NS.items()] + [""]
    subjects = {}
    for s, p, o in g.triples:
        subjects.setdefault(s, []).append((p, o))
    for s, pairs in subjects.items():
        body = " ;\n    ".join(f"{'a' if p == 'rdf:type' else p} {_ttl_term(o)}" for p, o in pairs)
        lines.append(f"{_ttl_term(s)}\n    {body} .\n")
    return "\n".join(lines)


def to_rdfxml(g):
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF " + " ".join(f'xmlns:{p}="{ns}"' for p, ns in NS.items()) + ">"]
    subjects = {}
    for s, p, o in g.triples:
        subjects.setdefault(s, []).append((p, o))
    for s, pairs in subjects.items():
        about = f'rdf:nodeID="{s.id}"' if isinstance(s, BNode) else f'rdf:about="{escape(s.value, {chr(34): "&quot;"})}"'
        out.append(f"  <rdf:Description {about}>")
        for p, o in pairs:
            if isinstance(o, URI):
                out.append(f'    <{p} rdf:resource="{escape(o.value, {chr(34): "&quot;"})}"/>')
            elif isinstance(o, BNode):
                out.append(f'    <{p} rdf:nodeID="{o.id}"/>')
            else:
                attrs = f' xml:lang="{o.lang}"' if o.lang else (f' rdf:datatype="{_expand(o.datatype)}"' if o.datatype else "")
                out.append(f"    <{p}{attrs}>{escape(o.value)}</{p}>")
        out.append("  </rdf:Description>")
    out.append("</rdf:RDF>")
    return "\n".join(out)


def to_jsonld(g):
    nodes = {}
    for s, p, o in g.triples:
        key = s.value if isinstance(s, URI) else f"_:{s.id}"
        node = nodes.setdefault(key, {"@id": key})
        if p == "rdf:type":
            node.setdefault("@type", []).append(_ttl_term(o))
            continue
        if isinstance(o, URI):
            value = {"@id": o.value}
        elif isinstance(o, BNode):
            value = {"@id": f"_:{o.id}"}
        elif o.lang:
            value = {"@value": o.value, "@language": o.lang}
        elif o.datatype:
            value = {"@value": o.value, "@type": o.datatype}
        else:
            value = o.value
        node.setdefault(p, []).append(value)
    for node in nodes.values():
        for key, value in list(node.items()):
            if isinstance(value, list) and len(value) == 1:
                node[key] = value[0]
    return json.dumps({"@context": NS, "@graph": list(nodes.values())}, ensure_ascii=False, indent=1)


# -- DCAT-US 1.1 ---------------------------------------------------------------------------------------
def data_json():
    base = ckan.site_url()
    municipality, email = publisher.name("ja"), publisher.contact_email()
    datasets = []
    for ds in queries.published().order_by("name"):
        license = ds.license_info()
        entry = {
            "@type": "dcat:Dataset", "title": tr(ds.title, "ja"), "description": tr(ds.notes, "ja") or tr(ds.title, "ja"),
            "keyword": list(ds.tags) or [tr(ds.title, "ja")], "modified": ds.modified.isoformat(timespec="seconds"),
            "issued": ds.created.date().isoformat(),
            "publisher": {"@type": "org:Organization", "name": f"{municipality} {ckan.organization_dict(ds.department_code)['title']}",
                          "subOrganizationOf": {"@type": "org:Organization", "name": municipality}},
            "contactPoint": {"@type": "vcard:Contact", "fn": ds.contact_name or municipality,
                             **({"hasEmail": f"mailto:{ds.contact_email or email}"} if ds.contact_email or email else {})},
            "identifier": f"{base}/dataset/{ds.pk}", "accessLevel": "public", "license": license["url"] or None,
            "rights": ds.attribution or None, "spatial": ds.spatial or None, "language": ["ja"],
            "accrualPeriodicity": FREQUENCY_ISO.get(ds.frequency, "irregular"), "landingPage": dataset_uri(ds),
            "theme": [THEMES[t][1] for t in ds.themes if t in THEMES],
            "distribution": [],
        }
        if ds.temporal_start and ds.temporal_end:
            entry["temporal"] = f"{ds.temporal_start.isoformat()}/{ds.temporal_end.isoformat()}"
        if ds.standard_id:
            entry["conformsTo"] = base + reverse("opendata:schema", args=[ds.standard_id])
        for resource in ds.resources.all():
            version = resource.current
            dist = {"@type": "dcat:Distribution", "title": tr(resource.name, "ja"), "format": resource.format,
                    "downloadURL": ckan.download_url(resource)}
            if version:
                dist["mediaType"] = version.media_type
            if resource.schema_id:
                dist["conformsTo"] = base + reverse("opendata:schema", args=[resource.schema_id])
            entry["distribution"].append(dist)
        datasets.append({k: v for k, v in entry.items() if v not in (None, "", [])})
    return {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld", "@id": f"{base}/data.json",
        "@type": "dcat:Catalog", "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json", "dataset": datasets,
    }
