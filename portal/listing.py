"""Lists of resources and revisions: one filter, one sort and one paginator for the pages
and the API, so that a list costs about the same at 100 rows as at 10,000.

The filter reads the same query parameters wherever it is used (``q``, ``name``,
``connector``, ``version``, ``annotation``, ``kind``); the sort is ``sort=column`` or
``sort=-column`` over the columns in :data:`SORTS`; a page is ``page`` and ``pageSize``
(one of :data:`PAGE_SIZES` on the pages, up to :data:`MAX_PAGE_SIZE` in the API).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat

from portal.models import Resource, ResourceTerm
from portal.postgres_values import insert_rows

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

# Column name in a URL -> the model field it sorts by (ties are broken by the row id).
SORTS: dict[str, str] = {
    "name": "name_key",
    "kind": "kind",
    "connector": "connector",
    "version": "connector_version",
    "description": "description",
    "revision": "revision",
    "updated": "updated_at",
    "by": "updated_by__username",
}
DEFAULT_SORT = "name"
FILTERS = ("q", "name", "connector", "version", "annotation", "kind")


def annotation_key(annotation: str) -> str:
    """How one annotation is held in :attr:`Resource.annotations` (and searched for)."""
    return f"|{annotation.casefold()}|"


def annotations_column(properties: Mapping[str, Any]) -> str:
    """The :attr:`Resource.annotations` value of a definition: each text annotation between
    bars, case-folded (``|team-a||nightly|``), so that one is found by a substring."""
    found = properties.get("annotations")
    if not isinstance(found, list):
        return ""
    return "".join(annotation_key(a) for a in found if isinstance(a, str) and "|" not in a)


def term_key(text: str) -> str:
    """A name as its terms hold it (and a name filter looks it up): upper-cased, then
    case-folded, character by character, so that whatever one database's "regardless of
    case" takes for equal (``ı`` and ``I``, ``ſ`` and ``S``...) is equal here too."""
    return text.upper().casefold()


def term_keys(name: str, annotations: str) -> tuple[set[str], set[str]]:
    """The keys of a resource's terms, from its name and annotations column: each suffix of
    its name (as :func:`term_key` holds it), each of its annotations (as the column holds
    it, between bars), every one cut to the longest term kept."""
    cut = ResourceTerm.KEY_LENGTH
    name = term_key(name)
    suffixes = {name[start:][:cut] for start in range(len(name))}
    return suffixes, {f"|{a}|"[:cut] for a in annotations[1:-1].split("||") if a}


def keep_terms(resources: Iterable[Resource], *, new: bool = False) -> None:
    """Write the terms of ``resources`` (saved, with their name and annotations as stored):
    the service that saves a resource calls it when either changes (``new``: none yet).
    Written as rows of values (:func:`portal.postgres_values.insert_rows`, COPY on
    PostgreSQL): an import of thousands of resources writes tens of thousands of terms,
    which model instances would make several times slower."""
    resources = list(resources)
    if not new:
        ResourceTerm.objects.filter(resource__in=[r.pk for r in resources]).delete()
    rows: list[tuple[int, str, str]] = []
    for resource in resources:
        suffixes, annotations = term_keys(resource.name, resource.annotations)
        rows.extend((resource.pk, ResourceTerm.NAME, key) for key in suffixes)
        rows.extend((resource.pk, ResourceTerm.ANNOTATION, key) for key in annotations)
    insert_rows(ResourceTerm._meta.db_table, ("resource_id", "field", "key"), rows)


def _starting_with(text: str) -> Q:
    """Terms whose key starts with ``text``, read as a range of the index: on PostgreSQL
    ``LIKE 'text%'`` (the index's pattern operator class), elsewhere ``>= text`` and
    ``< text`` followed by the last code point (SQLite compares keys as UTF-8 bytes)."""
    if connection.vendor == "postgresql":
        return Q(key__startswith=text)
    return Q(key__gte=text, key__lt=text + chr(0x10FFFF))


def _with_term(field: str, condition: Q) -> QuerySet[ResourceTerm]:
    return ResourceTerm.objects.filter(condition, field=field).values("resource_id")


def _candidates(params: Mapping[str, Any]) -> list[QuerySet[ResourceTerm]]:
    """The terms' queries of the name and annotation filters in ``params`` (the ids of the
    resources they may find, from the index)."""
    found = []
    if name := str(params.get("name", "") or "").strip():
        # A name holding ``name`` has a suffix starting with it.
        start = term_key(name)[: ResourceTerm.KEY_LENGTH]
        found.append(_with_term(ResourceTerm.NAME, _starting_with(start)))
    annotation = str(params.get("annotation", "") or "").strip()
    if annotation and "|" not in annotation:  # one whole annotation (bars span several)
        term = Q(key=annotation_key(annotation)[: ResourceTerm.KEY_LENGTH])
        found.append(_with_term(ResourceTerm.ANNOTATION, term))
    return found


def filter_resources(
    resources: QuerySet[Resource], params: Mapping[str, Any], *, by_terms: bool = False
) -> QuerySet[Resource]:
    """``resources`` narrowed by the filter parameters present in ``params``.

    ``q``: part of the name or the description; ``name``: part of the name; ``connector``,
    ``version``, ``kind``: exactly; ``annotation``: one annotation, whole, any case.
    ``by_terms``: the name and annotation filters take their candidates from the terms'
    index (when they are few, :func:`few_candidates`); the same test as ever then decides
    on each of them.
    """
    text = str(params.get("q", "") or "").strip()
    if text:
        resources = resources.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if name := str(params.get("name", "") or "").strip():
        resources = resources.filter(name__icontains=name)
    if connector := params.get("connector"):
        resources = resources.filter(connector=connector)
    if version := params.get("version"):
        resources = resources.filter(connector_version=version)
    if kind := params.get("kind"):
        resources = resources.filter(kind=kind)
    if annotation := str(params.get("annotation", "") or "").strip():
        resources = resources.filter(annotations__contains=annotation_key(annotation))
    for candidates in _candidates(params) if by_terms else []:
        resources = resources.filter(pk__in=candidates)
    return resources


def sort_key(params: Mapping[str, Any]) -> str:
    """The ``sort`` parameter if it names a column (``-`` first: descending), else the
    default."""
    raw = str(params.get("sort", "") or "")
    return raw if raw.lstrip("-") in SORTS else DEFAULT_SORT


def sort_resources(
    resources: QuerySet[Resource], key: str, *, by_terms: bool = False
) -> QuerySet[Resource]:
    """``resources`` in the order ``key`` says; ``by_terms``: a name or annotation filter
    found few candidates in the terms' index (:func:`few_candidates`)."""
    descending = key.startswith("-")
    field = SORTS[key.lstrip("-")]
    prefix = "-" if descending else ""
    if by_terms and field == "name_key":
        # The same order, by an expression no index holds: SQLite (without statistics, it
        # takes a factory and kind for a few rows) then fetches the few the terms found by
        # their id, rather than walking every name of the factory in order to pick them.
        same = Concat(F(field), Value(""))
        return resources.order_by(same.desc() if descending else same.asc(), f"{prefix}id")
    return resources.order_by(f"{prefix}{field}", f"{prefix}id")


FEW = 1000
"""Up to this many candidates, a filtered list fetches them by id and sorts them; more, and
it walks the sort's index as without the terms (the first page's rows come soon there)."""


def few_candidates(params: Mapping[str, Any]) -> bool:
    """Whether a name or annotation filter in ``params`` finds at most :data:`FEW`
    candidates (counted in the terms' index: one query)."""
    candidates = _candidates(params)
    if not candidates:
        return False
    if len(candidates) == 1:
        return candidates[0][: FEW + 1].count() <= FEW
    return min(c[: FEW + 1].count() for c in candidates) <= FEW


def listed(resources: QuerySet[Resource], params: Mapping[str, Any]) -> QuerySet[Resource]:
    """``resources`` filtered and sorted as ``params`` say (a list page's, the API's)."""
    few = few_candidates(params)
    return sort_resources(
        filter_resources(resources, params, by_terms=few), sort_key(params), by_terms=few
    )


def page_size(params: Mapping[str, Any], *, allowed: tuple[int, ...] | None = PAGE_SIZES) -> int:
    """``pageSize`` if allowed (any size from 1 to MAX_PAGE_SIZE when ``allowed`` is None),
    else the default."""
    try:
        size = int(str(params.get("pageSize", "")))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    if allowed is None:
        return size if 1 <= size <= MAX_PAGE_SIZE else DEFAULT_PAGE_SIZE
    return size if size in allowed else DEFAULT_PAGE_SIZE


def page_of(rows: QuerySet[Any], params: Mapping[str, Any], size: int | None = None) -> Page[Any]:
    """The page ``page`` of ``rows`` (the last one when past it, the first when not a
    number): one COUNT and one LIMIT/OFFSET query."""
    paginator = Paginator(rows, size or page_size(params))
    try:
        return paginator.page(params.get("page") or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort: str  # the sort this column's link asks for ("": not sortable)
    current: str  # "ascending", "descending" or "" (aria-sort)
    href: str = ""  # the query string of that link (filters and page size kept)


@dataclass
class Listing:
    """What a list page shows: its page of rows, the columns with their sort links, and the
    query string that keeps the filters when changing page, size or sort."""

    page: Page[Any]
    sort: str
    params: dict[str, str]
    columns: list[Column]
    size: int
    sizes: tuple[int, ...] = PAGE_SIZES

    @property
    def filtered(self) -> bool:
        return any(self.params.get(f) for f in FILTERS)

    def query(self, **changes: Any) -> str:
        """The current query string with ``changes`` (None removes a parameter)."""
        params = {**self.params, "sort": self.sort, "pageSize": str(self.size)}
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        if params.get("sort") == DEFAULT_SORT:
            params.pop("sort")
        if params.get("pageSize") == str(DEFAULT_PAGE_SIZE):
            params.pop("pageSize")
        if params.get("page") == "1":
            params.pop("page")
        return "?" + urlencode({k: v for k, v in params.items() if v != ""})

    def page_query(self, number: int) -> str:
        return self.query(page=number)

    @property
    def previous_query(self) -> str:
        return self.page_query(self.page.number - 1) if self.page.has_previous() else ""

    @property
    def next_query(self) -> str:
        return self.page_query(self.page.number + 1) if self.page.has_next() else ""

    @property
    def first_query(self) -> str:
        return self.page_query(1)

    @property
    def last_query(self) -> str:
        return self.page_query(self.page.paginator.num_pages)


def listing(
    resources: QuerySet[Resource], params: Mapping[str, Any], columns: list[tuple[str, str]]
) -> Listing:
    """Filter, sort and paginate ``resources`` for a list page with these (key, title)
    columns."""
    key = sort_key(params)
    rows = listed(resources, params)
    size = page_size(params)
    kept = {k: str(params.get(k, "")) for k in FILTERS if params.get(k)}
    found = Listing(page_of(rows, params, size), key, kept, [], size)
    for column, title in columns:
        if column not in SORTS:
            found.columns.append(Column(column, title, "", ""))
            continue
        current = {column: "ascending", f"-{column}": "descending"}.get(key, "")
        sort = f"-{column}" if key == column else column
        href = found.query(sort=sort, page=None)
        found.columns.append(Column(column, title, sort, current, href))
    return found
