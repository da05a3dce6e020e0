"""Datasets (versions, uploads), the assessment metrics and projects of interest."""

from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Response, UploadFile, status
from fastapi.concurrency import run_in_threadpool

from critmin.api.context import (
    Admin,
    Context,
    Ctx,
    Principal,
    Viewer,
    data_error,
    hidden,
    unprocessable,
)
from critmin.api.models import (
    DatasetDetail,
    DatasetOut,
    ErrorOut,
    ImportOut,
    MetricsOut,
    ProjectOut,
)
from critmin.countries import UnknownCountryError, to_iso3
from critmin.data import service
from critmin.errors import DataError, Issue
from critmin.jsonable import jsonable

router = APIRouter(tags=["datasets"])
MAX_ZIP_BYTES = 1 << 30
MAX_ZIP_RATIO = 100  # CSV tables compress 5-20 times; a zip bomb of zeros about 1,000 times
ZIP_RATIO_FREE_BYTES = 16 << 20  # small archives may compress as well as they like
MAX_ZIP_FILES = 1000
OPEN = "open"  # confidential_to of an upload that is explicitly not confidential
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no or unknown API key"},
    403: {
        "model": ErrorOut,
        "description": "role too low; or the object is confidential to another partner or "
        "missing (the same answer for both, so existence is not revealed)",
    },
    404: {"model": ErrorOut, "description": "missing (admins; never-confidential objects)"},
    422: {"model": ErrorOut, "description": "invalid input; every problem listed"},
}


def _dataset_row(row: dict[str, Any], access: dict[int, str | None]) -> dict[str, Any]:
    summary = row.get("summary")
    try:
        summary = json.loads(summary) if isinstance(summary, str) and summary else {}
    except json.JSONDecodeError:
        summary = {}
    path = row.get("path")
    parent = row.get("parent")
    return jsonable({
        "version": int(row["version"]), "created_at": str(row["created_at"]),
        "name": row.get("name"), "description": row.get("description"), "year": row.get("year"),
        "format": row.get("format"), "source_file": PurePosixPath(str(path)).name if path else None,
        "sha256": row.get("sha256"), "parent": None if parent != parent else parent,
        "summary": summary, "confidential_to": access.get(int(row["version"])),
        "default": bool(row.get("default", False)),
    })  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _iso3(value: str) -> str | None:
    try:
        return to_iso3(value)
    except UnknownCountryError:
        return None


def _country(value: str | None, loc: list[str | int]) -> str | None:
    if value is None or value == "":
        return None
    iso = _iso3(value)
    if iso is None:
        try:
            to_iso3(value)
        except UnknownCountryError as exc:
            raise unprocessable(loc, str(exc)) from None
    return iso


@router.get("/datasets", response_model=list[DatasetOut], responses=ERRORS)
def list_datasets(who: Viewer, ctx: Ctx) -> list[dict[str, Any]]:
    """Dataset versions the caller may see, oldest first, with their provenance."""
    frame, access = ctx.versions(fresh=True)
    rows = [_dataset_row(r, access) for r in frame.to_dict(orient="records")]
    return [r for r in rows if who.sees(r["confidential_to"])]


@router.get("/datasets/{version}", response_model=DatasetDetail, responses=ERRORS)
def get_dataset(version: int, who: Viewer, ctx: Ctx) -> dict[str, Any]:
    """One dataset version with its provenance and the number of rows per table."""
    v = ctx.visible_version(who, version)
    frame, access = ctx.versions()
    row = frame[frame["version"] == v].to_dict(orient="records")[0]
    counts = ctx.cached(("counts", v), lambda: _counts(ctx, v))
    # projects: those the caller may see (as GET /projects lists them), not the hidden ones
    counts = counts | {"projects": len(_projects(ctx, who, v))}
    return _dataset_row(row, access) | {"counts": counts}


def _counts(ctx: Context, version: int) -> dict[str, int]:
    with service.open_store(ctx.db) as store:
        return store.counts(version)


MAX_NAME_BYTES = 200  # a file name longer than this is replaced (file systems: 255)
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")


def safe_name(filename: str | None) -> str:
    """An upload's file name usable as a file here: its last part when that is a plain name
    of at most ``MAX_NAME_BYTES`` bytes, else ``upload`` with its suffix (``..``, ``.``, a
    300-character name or control characters would fail or escape the folder)."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    if (name in {"", ".", ".."} or len(name.encode()) > MAX_NAME_BYTES
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)):  # fmt: skip
        suffix = PurePosixPath(name[-11:]).suffix if name not in {".", ".."} else ""
        return "upload" + (suffix if _SUFFIX.fullmatch(suffix) else "")
    return name


def _safe_extract(archive: Path, dest: Path) -> Path:
    """Unpack a zip (no absolute paths, no ``..``, bounded size); the dataset folder in it."""
    name = archive.name
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_ZIP_FILES:
                raise DataError([Issue(name, None, None, "too many files in the archive")])
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_ZIP_BYTES:
                raise DataError(
                    [
                        Issue(
                            name,
                            None,
                            None,
                            "the archive unpacks too large "
                            f"({unpacked:,} bytes, limit {MAX_ZIP_BYTES:,})",
                        )
                    ]
                )
            ratio = unpacked / max(archive.stat().st_size, 1)
            if unpacked > ZIP_RATIO_FREE_BYTES and ratio > MAX_ZIP_RATIO:
                raise DataError([Issue(name, None, None, f"the archive unpacks {ratio:,.0f} "
                                       f"times its size (limit {MAX_ZIP_RATIO}): refused as a "
                                       "zip bomb")])  # fmt: skip
            for m in members:
                p = PurePosixPath(m.filename)
                if p.is_absolute() or ".." in p.parts:
                    raise DataError([Issue(name, None, None, f"unsafe path {m.filename!r}")])
                if any(len(part.encode()) > MAX_NAME_BYTES for part in p.parts):
                    raise DataError([Issue(name, None, None, "a file name in the archive is "
                                           f"longer than {MAX_NAME_BYTES} bytes")])  # fmt: skip
            zf.extractall(dest)
    except zipfile.BadZipFile:
        raise DataError(
            [Issue(name, None, None, "not a zip archive of a dataset folder")]
        ) from None
    tomls = sorted(dest.rglob("dataset.toml"), key=lambda p: len(p.parts))
    if not tomls:
        raise DataError([Issue(name, None, None, "no dataset.toml in the archive")])
    return tomls[0].parent


@router.post(
    "/datasets", response_model=ImportOut, status_code=status.HTTP_201_CREATED, responses=ERRORS
)
def upload_dataset(
    who: Admin,
    ctx: Ctx,
    file: Annotated[UploadFile, File(description="a zip of a dataset folder, or a CSV file")],
    format: Annotated[Literal["critmin", "usgs", "baci", "comtrade"], Form()],
    base: Annotated[
        int | None, Form(description="version usgs/baci/comtrade figures merge into")
    ] = None,
    product: Annotated[str, Form(description="product of a USGS table")] = "re_concentrate",
    replace: Annotated[
        bool,
        Form(
            description="baci/comtrade: replace every flow of each (product, year) in the "
            "file; default: merge (only the file's flows are replaced)"
        ),
    ] = False,
    prefer: Annotated[
        Literal["importer", "exporter"],
        Form(description="comtrade: whose report wins when both sides report a flow"),
    ] = "importer",
    confidential_to: Annotated[
        str | None,
        Form(
            description="partner (ISO3), or `open` for none; default: the partner of the "
            "base version (usgs, baci), else open"
        ),
    ] = None,
) -> dict[str, Any]:
    """Import a file as a new dataset version (admins). All or nothing: on any problem the
    store is unchanged and the answer (422) lists every problem by file, row and column.

    The version and its confidentiality are written in one transaction. A version merged
    into a confidential base (``base``, else the latest) stays confidential to the same
    partner unless ``confidential_to`` names a partner or is ``open``."""
    from critmin.data.importers import TradeOptions, import_path

    said = (confidential_to or "").strip()
    partner = None if said.lower() == OPEN else _country(said, ["body", "confidential_to"])
    granted: dict[str, str | None] = {}

    def grant(con: Any, version: int) -> None:  # in the transaction that adds the version
        granted["partner"] = service.write_dataset_access(
            con, version, partner, who.name, inherit=not said
        )

    upload_name = safe_name(file.filename)
    tmp = Path(tempfile.mkdtemp(prefix="critmin-upload-"))
    root = tmp

    def rename(path: str) -> str:
        try:
            rel = Path(path).resolve().relative_to(root.resolve())
        except ValueError:
            return path
        return upload_name if str(rel) in {".", upload_name} else f"{upload_name}/{rel.as_posix()}"

    try:
        saved = tmp / upload_name
        with saved.open("wb") as fh:
            shutil.copyfileobj(file.file, fh, 1 << 20)
        target = saved
        if format == "critmin":
            root = tmp / "unpacked"
            target = _safe_extract(saved, root)
        if base is not None:
            ctx.visible_version(who, base)
        with service.open_store(ctx.db) as store:
            result = import_path(store, target, format, base=base, product=product,
                                 on_add=grant, trade=TradeOptions(replace, prefer))  # fmt: skip
    except DataError as exc:
        raise data_error(exc, ["body", "file"], rename) from None
    except ValueError as exc:
        raise unprocessable(["body"], str(exc)) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    partner = granted.get("partner")
    service.audit(ctx.db, who.name, "dataset.import", f"version {result.version}",
                  {"file": upload_name, "format": format, "base": base,
                   "confidential_to": partner, "summary": result.summary})  # fmt: skip
    ctx.invalidate_versions()
    return {"version": result.version, "format": format, "summary": jsonable(result.summary),
            "confidential_to": partner}  # fmt: skip


# -- metrics ------------------------------------------------------------------------------------
@router.get(
    "/metrics", response_model=MetricsOut, responses=ERRORS, tags=["metrics"],
)  # fmt: skip
async def get_metrics(
    who: Viewer,
    ctx: Ctx,
    version: Annotated[
        int | None, Query(description="dataset version (default: the store's default)")
    ] = None,
    country: Annotated[str | None, Query(description="assess one country (ISO3 or name)")] = None,
    group: Annotated[str, Query(description="partner group")] = "framework",
    threshold: Annotated[float, Query(gt=0, le=1, description="chokepoint threshold")] = 0.5,
    product: Annotated[
        list[str] | None,
        Query(description="only these products (an aggregate keeps its element leaves)"),
    ] = None,
    element: Annotated[
        list[str] | None, Query(description="only products carrying these elements (Dy, Nd...)")
    ] = None,
    mineral: Annotated[
        list[str] | None, Query(description="only these mineral chains (rare_earths, gallium...)")
    ] = None,
) -> Response:
    """Concentration, import reliance, partner share, EU-JRC supply risk and chokepoints, per
    product (aggregates and their element leaves; ``aggregate`` names a leaf's aggregate, and
    ``mineral`` its chain when the dataset names chains).

    Computed once per dataset version and query, then served from memory."""
    iso = _country(country, ["query", "country"])
    scope = (tuple(product or ()), tuple(element or ()), tuple(sorted(set(mineral or ()))))
    v = ctx.visible_version_cached(who, version)
    key = ("metrics", v, iso, group, threshold, scope)
    hit = ctx.results.fetch(key) if v is not None else None
    if hit is not None:  # the hot path: no store access, no thread
        return Response(hit, media_type="application/json")
    return await run_in_threadpool(_metrics, who, ctx, version, iso, group, threshold, scope)


def _metrics(who: Principal, ctx: Context, version: int | None, iso: str | None, group: str,
             threshold: float,
             scope: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = ((), (), ()),
             ) -> Response:  # fmt: skip
    from critmin.assessment import assessment

    v = ctx.visible_version(who, version)
    products, elements, minerals = scope

    def build() -> bytes:
        atlas = ctx.atlas(v)
        if minerals:
            try:
                atlas = atlas.for_minerals(minerals)
            except KeyError as exc:
                raise unprocessable(["query", "mineral"], str(exc.args[0])) from None
        if group not in atlas.groups:
            known = ", ".join(atlas.groups)
            raise unprocessable(["query", "group"], f"unknown group {group!r}; known: {known}")
        try:
            sections = assessment(atlas, iso, group, threshold, products=products,
                                  elements=elements)  # fmt: skip
        except KeyError as exc:
            loc = "element" if str(exc.args[0]).startswith("unknown element") else "product"
            raise unprocessable(["query", loc], str(exc.args[0])) from None
        body = {"dataset": atlas.summary() | {"version": v, "country": iso, "group": group,
                                              "threshold": threshold, "product": list(products),
                                              "element": list(elements),
                                              "mineral": list(minerals)}} | sections  # fmt: skip
        return json.dumps(jsonable(body), default=str).encode()

    content = ctx.cached(("metrics", v, iso, group, threshold, scope), build)
    return Response(content, media_type="application/json")


# -- projects -----------------------------------------------------------------------------------
def _projects(ctx: Ctx, who: Principal, version: int) -> list[dict[str, Any]]:
    def build() -> list[dict[str, Any]]:
        return jsonable(ctx.atlas(version).table("projects"))

    rows = ctx.cached(("projects", version), build)
    return [r for r in rows if who.sees(r.get("confidential_to"))]


@router.get("/projects", response_model=list[ProjectOut], responses=ERRORS, tags=["projects"])
def list_projects(
    who: Viewer, ctx: Ctx, version: Annotated[int | None, Query()] = None
) -> list[dict[str, Any]]:
    """Projects of interest the caller may see: open ones, those confidential to the caller's
    partner, and (admins) all."""
    return _projects(ctx, who, ctx.visible_version(who, version))


@router.get(
    "/projects/{project_id}", response_model=ProjectOut, responses=ERRORS, tags=["projects"]
)
def get_project(
    project_id: str, who: Viewer, ctx: Ctx, version: Annotated[int | None, Query()] = None
) -> dict[str, Any]:
    """One project; confidential to another partner or missing: 403 (404 for admins)."""
    for row in _projects(ctx, who, ctx.visible_version(who, version)):
        if row["id"] == project_id:
            return row
    raise hidden(who, f"project {project_id!r}")


__all__ = ["HTTPException", "router"]
