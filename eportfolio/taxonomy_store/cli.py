"""`flask --app wsgi taxonomy ...`: import ESCO, JobTech, the seed, bristyrken and demand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select
from tqdm import tqdm

from eportfolio.db import db
from eportfolio.errors import DomainError
from eportfolio.taxonomy_store import bristyrken as shortage
from eportfolio.taxonomy_store.importer import import_taxonomy
from eportfolio.taxonomy_store.models import Concept, ConceptLabel, ConceptRelation
from eportfolio.taxonomy_store.search import stats
from taxonomy import Taxonomy, TaxonomyFormatError
from taxonomy import bristyrken as parse
from taxonomy.ssyk_names import match_ssyk4

taxonomy_cli = AppGroup("taxonomy", help="Taxonomy imports and statistics.")
# What a format's files do not say: an import keeps what a coordinator stored for it.
ABSENT = {"yrkesbarometer": ("recruitment",)}


def _load(source: str, path: str | None, dangling: str = "error") -> Taxonomy:
    if source == "seed":
        from taxonomy.seed import load_seed

        return load_seed()
    if source == "esco":
        from taxonomy.loaders.esco import load_esco

        return load_esco(path, dangling=dangling)  # type: ignore[arg-type]
    from taxonomy.loaders.jobtech import load_jobtech

    return load_jobtech(path, dangling=dangling)  # type: ignore[arg-type]


@taxonomy_cli.command("import")
@click.argument("source", type=click.Choice(["esco", "jobtech", "seed"]))
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--version",
    "version",
    default=None,
    help="Version label (default: the folder name, or 'builtin' for the seed).",
)
@click.option(
    "--skip-dangling",
    is_flag=True,
    help="Drop relations whose end the source itself does not define (ESCO v1.1.1 "
    "has 67 such links to one withdrawn occupation) instead of stopping.",
)
def import_cmd(source: str, path: str | None, version: str | None, skip_dangling: bool) -> None:
    """Import SOURCE from PATH in one transaction: all of it or nothing."""
    if source != "seed" and not path:
        raise click.UsageError(f"importing {source} needs the folder with its files")
    click.echo(f"reading {source} from {path or 'the built-in seed'} ...")
    try:
        tax = _load(source, path, "skip" if skip_dangling else "error")
    except TaxonomyFormatError as exc:
        raise click.ClickException(f"nothing imported: {exc}") from exc
    label = version or (Path(path).name if path else "builtin")
    with (
        tqdm(total=None, unit="rows", desc="writing", disable=None) as bar,
        db.standalone() as session,
    ):
        summary = import_taxonomy(
            session, tax, source=source, version=label, progress=lambda _phase, n: bar.update(n)
        )
    click.echo(
        f"{source} {label}: {summary.added} added, {summary.changed} changed, "
        f"{summary.deprecated} deprecated, {summary.unchanged} unchanged; relations "
        f"+{summary.relations_added} -{summary.relations_removed}"
        + (
            f" ({summary.relations_skipped} to concepts not in the database skipped)"
            if summary.relations_skipped
            else ""
        )
    )


@taxonomy_cli.command("stats")
def stats_cmd() -> None:
    """Print concept, label and relation counts as JSON."""
    with db.standalone() as session:
        click.echo(json.dumps(stats(session), indent=2, ensure_ascii=False))


@taxonomy_cli.command("import-bristyrken")
@click.argument("path", type=click.Path(exists=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "yrkesbarometer"]),
    default="csv",
    help="csv: the documented template; yrkesbarometer: AF's regional barometer "
    "folder (barometer_regional.json or barometer_regional_long.csv).",
)
@click.option("--period", default=None, help="Assessment round for Yrkesbarometer, e.g. 2025-1.")
def import_bristyrken_cmd(path: str, fmt: str, period: str | None) -> None:
    """Import shortage assessments; a malformed file imports nothing."""
    try:
        records = list(_bristyrken_records(Path(path), fmt, period))
    except TaxonomyFormatError as exc:
        raise click.ClickException(f"nothing imported: {exc}") from exc
    # A refusal names areas and what to do: in English, as the rest of the command line.
    with force_locale("en"):
        try:
            with db.standalone() as session:
                counts = shortage.import_assessments(
                    session, records, source=fmt, absent=ABSENT.get(fmt, ())
                )
        except DomainError as exc:
            raise click.ClickException(str(exc.message)) from exc
    replaced = counts["replaced"]
    click.echo(
        f"bristyrken: {counts['added']} added, {counts['updated']} updated"
        + (f", {replaced} replaced by the merged or coded assessment" if replaced else "")
    )


def _bristyrken_records(path: Path, fmt: str, period: str | None) -> list[parse.ShortageAssessment]:
    if fmt == "csv":
        return list(parse.iter_bristyrken_csv(path))
    if not period:
        raise click.UsageError("--period is needed for Yrkesbarometer data (e.g. 2025-1)")
    long_csv = path / "barometer_regional_long.csv" if path.is_dir() else path
    first = list(parse.iter_barometer_csv(long_csv, period=period))
    # The barometer names its occupations without SSYK codes: match the names to the labels of
    # the SSYK groups (and occupation names) in the database.
    names = {r.occupation_ref: r.occupation_label for r in first if r.occupation_label}
    with db.standalone() as session:
        labels = ssyk_labels(session)
    codes = match_ssyk4(set(names.values()), labels) if labels else {}
    by_ref = {ref: codes.get(name) for ref, name in names.items()}
    matched = sum(1 for code in by_ref.values() if code)
    click.echo(f"barometer occupations matched to SSYK-4 by name: {matched} of {len(by_ref)}")
    records, merged = parse.merge_same_group(
        parse.iter_barometer_csv(long_csv, period=period, ssyk4=by_ref)
    )
    if merged:
        click.echo(
            "barometer occupations sharing an SSYK group, merged into one assessment per area "
            "(with the strongest job opportunities and outlook among them):"
        )
        for group in merged:
            together = ", ".join(group.occupation_labels)
            click.echo(f"  {group.ssyk4}: {together} ({group.areas} areas)")
    return records


def ssyk_labels(session: Any) -> dict[str, str]:
    """Return label -> SSYK-4 code for every stored SSYK group and the occupations under one."""
    groups = {
        cid: code
        for cid, code in session.execute(
            select(Concept.id, Concept.code).where(
                Concept.kind == "occupation-group", Concept.code.is_not(None)
            )
        )
        if code and len(code) == 4 and code.isdigit()
    }
    labels: dict[str, str] = {}
    for cid, text in session.execute(
        select(ConceptLabel.concept_id, ConceptLabel.text).where(
            ConceptLabel.concept_id.in_(list(groups)), ConceptLabel.lang == "sv"
        )
    ):
        labels[text] = groups[cid]
    for text, group_id in session.execute(
        select(ConceptLabel.text, ConceptRelation.target_id)
        .join(ConceptRelation, ConceptRelation.source_id == ConceptLabel.concept_id)
        .where(
            ConceptRelation.kind == "broader",
            ConceptRelation.target_id.in_(list(groups)),
            ConceptLabel.lang == "sv",
        )
    ):
        labels.setdefault(text, groups[group_id])
    return labels


@taxonomy_cli.command("import-demand")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--period", default="2024", help="Period of AF's ad counts file.")
@click.option("--template", is_flag=True, help="The file is the manual demand template.")
def import_demand_cmd(path: str, period: str, template: bool) -> None:
    """Import job-ad counts per SSYK-4 and kommun."""
    try:
        records = list(
            parse.iter_demand_csv(path) if template else parse.iter_ads_csv(path, period=period)
        )
    except TaxonomyFormatError as exc:
        raise click.ClickException(f"nothing imported: {exc}") from exc
    with db.standalone() as session:
        counts = shortage.import_demand(session, records)
    click.echo(f"demand: {counts['added']} added, {counts['updated']} updated")
