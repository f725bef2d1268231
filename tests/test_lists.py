"""Lists a page at a time: the linked-service list, the factory's resource list, the history
and the API's lists, with a total count, a page size choice, a sort by every column and a
filter by name or annotation -- one filter for the pages and the API (portal.listing), which
finds its candidates in the indexed terms the save service keeps."""

from __future__ import annotations

import copy
import re
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.definitions import NewDefinition, create_definitions, save_definition
from portal.listing import (
    annotation_key,
    annotations_column,
    filter_resources,
    keep_terms,
    listed,
)
from portal.models import Factory, Resource, ResourceTerm
from tests.conftest import SPARK_V2, api_for
from tests.helpers import url_of

pytestmark = pytest.mark.django_db


def spark(annotations: list[Any] | None = None, description: str = "") -> dict[str, Any]:
    properties = copy.deepcopy(SPARK_V2)
    properties["annotations"] = annotations or []
    if description:
        properties["description"] = description
    return properties


def many(user: Any, count: int, annotations: list[str] | None = None) -> None:
    entries = [
        NewDefinition(name=f"Spark{i:03d}", properties=spark(annotations), kind="linkedService")
        for i in range(count)
    ]
    create_definitions(entries, user=user, action="import", factory=Factory.default())


def names_in(html: str) -> list[str]:
    return re.findall(
        r'<td><a href="/factories/default/linkedService/[^"]+/">([^<]+)</a></td>', html
    )


def test_the_list_shows_one_page_with_the_total_count_and_links_to_the_next(
    editor_client: Client, editor: Any
) -> None:
    many(editor, 120)
    html = editor_client.get("/factories/default/").content.decode()
    assert names_in(html) == [f"Spark{i:03d}" for i in range(50)]
    assert "1–50 of <strong>120</strong> resources" in html
    assert "Page 1 of 3" in html and 'href="?page=2" rel="next"' in html
    last = editor_client.get("/factories/default/?page=3").content.decode()
    assert names_in(last) == [f"Spark{i:03d}" for i in range(100, 120)]
    assert "101–120 of <strong>120</strong>" in last and 'rel="next"' not in last


def test_a_page_past_the_end_or_not_a_number_shows_the_last_or_the_first(
    editor_client: Client, editor: Any
) -> None:
    many(editor, 60)
    assert "Page 2 of 2" in editor_client.get("/factories/default/?page=99").content.decode()
    assert "Page 1 of 2" in editor_client.get("/factories/default/?page=x").content.decode()


def test_the_page_size_is_chosen_from_the_offered_ones(editor_client: Client, editor: Any) -> None:
    many(editor, 30)
    html = editor_client.get("/factories/default/?pageSize=25").content.decode()
    assert len(names_in(html)) == 25 and '<option value="25" selected>' in html
    assert 'href="?pageSize=25&amp;page=2"' in html
    odd = editor_client.get("/factories/default/?pageSize=7").content.decode()
    assert len(names_in(odd)) == 30  # not offered: the default, 50


def test_every_column_sorts_both_ways(editor_client: Client, editor: Any) -> None:
    other = type(editor).objects.create_user("zed")
    save_definition(user=editor, name="Bravo", properties=spark(description="b"), action="create")
    save_definition(user=other, name="alpha", properties=spark(description="c"), action="create")
    old = copy.deepcopy(SPARK_V2)
    old.pop("version")
    old["typeProperties"] = {"host": "h", "port": 10000, "authenticationType": "Anonymous"}
    old["description"] = "a"
    save_definition(user=editor, name="Charlie", properties=old, action="create")

    def order(sort: str) -> list[str]:
        return names_in(editor_client.get(f"/factories/default/?sort={sort}").content.decode())

    assert order("name") == ["alpha", "Bravo", "Charlie"]  # case-insensitive
    assert order("-name") == ["Charlie", "Bravo", "alpha"]
    assert order("version") == ["Charlie", "Bravo", "alpha"]  # 1.0 first, then by id
    assert order("description") == ["Charlie", "Bravo", "alpha"]
    assert order("-description") == ["alpha", "Bravo", "Charlie"]
    assert order("updated") == ["Bravo", "alpha", "Charlie"]
    assert order("-updated") == ["Charlie", "alpha", "Bravo"]
    assert order("by")[-1] == "alpha" and order("-by")[0] == "alpha"
    assert order("connector") == ["Bravo", "alpha", "Charlie"]  # all Spark: by id
    assert order("nonsense") == order("name")


def test_the_column_sorted_by_says_so_and_links_to_the_other_way(
    editor_client: Client, editor: Any
) -> None:
    many(editor, 2)
    html = editor_client.get("/factories/default/?sort=-updated&annotation=x").content.decode()
    head = (
        '<th scope="col" aria-sort="descending">'
        '<a class="sort" href="?annotation=x&amp;sort=updated">'
    )
    assert head in html
    assert 'href="?annotation=x">Name' in html  # another column: its own way up (name: default)


def test_the_list_filters_by_annotation_whole_and_in_any_case(
    editor_client: Client, editor: Any
) -> None:
    save_definition(user=editor, name="A", properties=spark(["team-a", "nightly"]), action="create")
    save_definition(user=editor, name="B", properties=spark(["team-ab"]), action="create")
    save_definition(user=editor, name="C", properties=spark(), action="create")
    html = editor_client.get("/factories/default/?annotation=Team-A").content.decode()
    assert names_in(html) == ["A"] and "1–1 of <strong>1</strong> resource" in html
    assert names_in(
        editor_client.get("/factories/default/?annotation=nightly").content.decode()
    ) == ["A"]
    none = editor_client.get("/factories/default/?annotation=team").content.decode()
    assert names_in(none) == [] and "matches these filters" in none


def test_an_edit_or_an_import_keeps_the_annotation_column_in_step(editor: Any) -> None:
    result = save_definition(user=editor, name="A", properties=spark(["x"]), action="create")
    assert result.resource.annotations == "|x|"
    save_definition(
        user=editor, name="A", properties=spark(["Y", 3]), action="edit", instance=result.resource
    )
    assert Resource.objects.get(name="A").annotations == "|y|"
    assert annotations_column({"annotations": "not a list"}) == ""


def test_the_migration_fills_the_annotation_column_of_stored_definitions(editor: Any) -> None:
    result = save_definition(user=editor, name="A", properties=spark(["Ops"]), action="create")
    Resource.objects.filter(pk=result.resource.pk).update(annotations="")
    import_module("portal.migrations.0012_resource_annotations_and_list_indexes").fill_annotations(
        apps, None
    )
    assert Resource.objects.get(pk=result.resource.pk).annotations == "|ops|"


def found_by(params: dict[str, str]) -> list[str]:
    return sorted(listed(Resource.objects.live(), params).values_list("name", flat=True))


def test_a_save_a_rename_an_edit_and_an_import_keep_the_filters_terms_in_step(
    editor: Any,
) -> None:
    first = save_definition(user=editor, name="Alpha", properties=spark(["Ops"]), action="create")
    assert found_by({"name": "LPH"}) == ["Alpha"] and found_by({"annotation": "ops"}) == ["Alpha"]
    save_definition(
        user=editor, name="Omega", properties=spark(["Dev"]), action="edit",
        instance=first.resource,
    )  # fmt: skip
    assert found_by({"name": "lph"}) == [] and found_by({"name": "MEG"}) == ["Omega"]
    assert found_by({"annotation": "ops"}) == [] and found_by({"annotation": "DEV"}) == ["Omega"]
    many(editor, 3, ["batch"])
    assert found_by({"name": "ark00"}) == ["Spark000", "Spark001", "Spark002"]
    assert len(found_by({"annotation": "Batch"})) == 3
    terms = ResourceTerm.objects.filter(resource=first.resource).values_list("field", "key")
    assert sorted(terms) == [
        ("a", "|dev|"), ("n", "a"), ("n", "ega"), ("n", "ga"), ("n", "mega"), ("n", "omega"),
    ]  # fmt: skip


NAMES = [
    "Straße", "MASSE", "Dıyarbakır", "İzmir", "ſpark", "100%_done", "a_b", "a%b",
    "Ünïcödé Ǆ", "x" * 30 + "TailOfALongNameBeyondTheCut" + "y" * 20, "Σίσυφος", "ﬀ-ligature",
]  # fmt: skip
SEARCHES = [
    "ss", "SS", "ß", "straß", "i", "I", "ı", "İ", "ır", "s", "S", "ſ", "%", "_", "%_", "a_",
    "ünï", "Ǆ", "ǆ", "tailofalongnamebeyondthecut", "x" * 29 + "tailofalongname", "σ", "ς",
    "ff", "ﬀ", "-", "none such",
]  # fmt: skip


def test_the_name_and_annotation_filters_find_what_a_scan_of_every_row_finds(
    editor: Any,
) -> None:
    """Whatever the script or case, the terms find every resource the test itself (the
    database's own "contains, regardless of case") finds: the same results as before."""
    template = save_definition(user=editor, name="T", properties=spark(), action="create").resource
    rows = [
        Resource(
            factory_id=template.factory_id, kind=template.kind, name=name,
            name_key=Resource.key_for(name), definition=template.definition, revision=1,
            annotations=annotations_column({"annotations": [name, "Team-" + name[:3]]}),
        )
        for name in NAMES
    ]  # fmt: skip
    keep_terms(Resource.objects.bulk_create(rows), new=True)
    live = Resource.objects.live()
    for text in SEARCHES:
        scanned = sorted(live.filter(name__icontains=text).values_list("name", flat=True))
        assert found_by({"name": text}) == scanned, text
        key = annotation_key(text)
        scanned = sorted(live.filter(annotations__contains=key).values_list("name", flat=True))
        assert found_by({"annotation": text}) == scanned, text


def test_the_filters_read_the_terms_index_not_every_resource(editor: Any) -> None:
    """On PostgreSQL with sequential scans off, at this size: the index serves the name
    filter's LIKE 'start%' whatever the database's collation (its operator class)."""
    many(editor, 30, ["nightly"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    for params in ({"name": "park01"}, {"annotation": "Nightly"}):
        found = filter_resources(Resource.objects.live(), params, by_terms=True)
        sql, values = found.query.sql_with_params()
        with connection.cursor() as cursor:
            plan = " / ".join(
                str(row[-1] if connection.vendor == "sqlite" else row[0])
                for row in _explained(cursor, sql, values)
            )
        assert "resource_term" in plan, plan


def _explained(cursor: Any, sql: str, values: Any) -> list[Any]:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    cursor.execute(prefix + sql, values)
    return list(cursor.fetchall())


def test_the_migration_fills_the_terms_of_stored_resources(editor: Any) -> None:
    result = save_definition(user=editor, name="Ab", properties=spark(["Ops"]), action="create")
    ResourceTerm.objects.all().delete()
    import_module("portal.migrations.0021_resource_terms").fill_terms(apps, None)
    assert sorted(
        ResourceTerm.objects.filter(resource=result.resource).values_list("field", "key")
    ) == [("a", "|ops|"), ("n", "ab"), ("n", "b")]


def test_the_list_costs_the_same_queries_for_a_page_whatever_the_total(
    editor_client: Client, editor: Any
) -> None:
    many(editor, 60)
    editor_client.get("/factories/default/")
    with CaptureQueriesContext(connection) as small:
        editor_client.get("/factories/default/?pageSize=25")
    many_more = [
        NewDefinition(name=f"More{i:03d}", properties=spark(), kind="linkedService")
        for i in range(140)
    ]
    create_definitions(many_more, user=editor, action="import", factory=Factory.default())
    with CaptureQueriesContext(connection) as large:
        response = editor_client.get("/factories/default/?pageSize=25")
    assert len(names_in(response.content.decode())) == 25
    assert len(large) == len(small)


def test_filters_sort_and_page_size_survive_the_pages_and_the_htmx_table(
    editor_client: Client, editor: Any
) -> None:
    many(editor, 60, ["batch"])
    table = editor_client.get(
        "/factories/default/?annotation=batch&sort=-name&pageSize=25&page=2",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="resources-table",
    ).content.decode()
    assert table.startswith('<div id="resources-table">')
    assert names_in(table)[0] == "Spark034"
    assert 'href="?annotation=batch&amp;sort=-name&amp;pageSize=25&amp;page=3" rel="next"' in table


def test_the_factory_list_of_every_kind_pages_sorts_and_filters(
    editor_client: Client, editor: Any
) -> None:
    many(editor, 30, ["ops"])
    save_definition(user=editor, name="Other", properties=spark(["dev"]), action="create")
    html = editor_client.get("/factories/default/?pageSize=25&sort=-name").content.decode()
    assert "1–25 of <strong>31</strong> resources" in html and "Page 1 of 2" in html
    assert html.index(">Spark029<") < html.index(">Spark028<")
    dev = editor_client.get("/factories/default/?annotation=dev").content.decode()
    assert ">Other<" in dev and ">Spark000<" not in dev


def test_the_history_shows_a_page_of_revisions_and_compares_across_pages(
    editor_client: Client, editor: Any
) -> None:
    service = save_definition(user=editor, name="S", properties=spark(), action="create").resource
    for number in range(2, 61):
        properties = spark(description=f"edit {number}")
        service = save_definition(
            user=editor, name="S", properties=properties, action="edit", instance=service
        ).resource
    html = editor_client.get(url_of(service, "history")).content.decode()
    assert html.count('name="old"') == 50 and "1–50 of <strong>60</strong> revisions" in html
    assert "Changes from revision 59 to revision 60" in html
    second = editor_client.get(url_of(service, "history") + "?page=2&old=3&new=60").content.decode()
    assert second.count('name="old" value=') == 10 + 0  # revisions 10..1 on this page
    assert '<input type="hidden" name="new" value="60">' in second  # kept from page 1
    assert "Changes from revision 3 to revision 60" in second
    assert 'href="?old=3&amp;new=60" rel="prev"' in second or "old=3&amp;new=60" in second


def test_the_api_lists_share_the_filter_and_sort_and_page_revisions(editor: Any) -> None:
    api = api_for(editor)
    save_definition(user=editor, name="A", properties=spark(["red"], "first"), action="create")
    save_definition(user=editor, name="B", properties=spark(["blue"], "second"), action="create")
    base = "/api/v1/linkedservices/"
    assert [d["name"] for d in api.get(base + "?annotation=RED").json()["results"]] == ["A"]
    assert [d["name"] for d in api.get(base + "?sort=-name").json()["results"]] == ["B", "A"]
    assert [d["name"] for d in api.get(base + "?q=second").json()["results"]] == ["B"]
    service = Resource.objects.get(name="A")
    for number in range(2, 8):
        service = save_definition(
            user=editor, name="A", properties=spark(["red"], f"v{number}"), action="edit",
            instance=service,
        ).resource  # fmt: skip
    page = api.get(base + "A/revisions?pageSize=5").json()
    assert page["count"] == 7 and [r["number"] for r in page["results"]] == [7, 6, 5, 4, 3]
    assert page["next"].endswith("pageSize=5&page=2") or "page=2" in page["next"]
    assert [r["number"] for r in api.get(page["next"]).json()["results"]] == [2, 1]
