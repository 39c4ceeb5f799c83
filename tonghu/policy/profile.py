"""Jurisdiction profiles: each plan's rules as data, versioned by effective date, inherited from the national one.

File layout (``profiles/<key>.yaml``)::

    key: guangxi
    name: {zh: 广西壮族自治区, en: Guangxi Zhuang Autonomous Region}
    parent: national                # null only for the national default
    region: {prefix: "45", source: "GB/T 2260：45 广西壮族自治区"}
    document: {zh: 桂民发〔2024〕1号 …, seed: "003"}
    versions:
      - version: "2024.1"
        effective_from: 2024-03-22
        source: "003 桂民发〔2024〕1号，2024年3月22日"
        settings:                   # only what differs from the parent (and from this profile's earlier version)
          left_behind:
            rural_requirement: {value: rural_registration, source: "003 §一(三)「农村户籍未成年人」"}
            months_away: {inherit: true, source: "003 §一(三) 同全国「连续3个月以上」"}

Rules of the format
-------------------
* **Every value carries its citation.** A *setting* is a mapping holding ``source`` (and either ``value`` or, for
  entries such as a 困境 category, its own fields). Mappings without ``source`` are *sections* and merge key by
  key; a setting is always replaced whole, so an override can never keep a stale citation.
* ``{inherit: true, source: "…"}`` keeps the parent's setting and records why (typically "the plan is silent").
* **Versions.** A profile's values on a date are: the parent's values on that date, overlaid by each of this
  profile's versions whose ``effective_from`` is on or before the date, oldest first. A later version therefore
  states only what changed, and a change never applies before its effective date. Before a profile's first
  version its parent's rules apply.
* **Regions.** A region uses the profile with the longest ``region.prefix`` that prefixes its code (the nearest
  ancestor): 533401… → shangrila, 530…/53… → national (no Yunnan profile).

This module knows nothing of what settings *mean*; :mod:`tonghu.policy.engine` validates a resolved profile
against the rules it implements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

__all__ = [
    "PROFILE_DIR",
    "ProfileError",
    "Setting",
    "ProfileVersion",
    "Profile",
    "ResolvedProfile",
    "read_profile_documents",
    "build_profiles",
    "select_profile_key",
]

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"
META_KEYS = frozenset({"source", "note", "inherit"})


class ProfileError(ValueError):
    """A profile file is malformed, refers to an unknown parent, or fails validation."""


@dataclass(frozen=True)
class Setting:
    """One cited value. ``value`` is the scalar/list for ``{value: …}`` settings, else the entry's other fields."""

    value: Any
    source: str
    origin: str  # "<profile>@<version>" that supplied the value
    note: str | None = None
    inherited_note: str | None = None  # a child profile's "silent, inherits" remark

    @property
    def citation(self) -> str:
        """The seed clause(s) to show an officer."""
        if self.inherited_note:
            return f"{self.source}（{self.inherited_note}）"
        return self.source


@dataclass(frozen=True)
class ProfileVersion:
    version: str
    effective_from: dt.date
    source: str
    settings: Mapping[str, Any]


@dataclass(frozen=True)
class Profile:
    key: str
    name_zh: str
    name_en: str
    region_prefix: str
    region_source: str
    document_zh: str
    seed: str | None
    versions: tuple[ProfileVersion, ...]
    parent: "Profile | None" = None
    # Merged trees keyed by which versions apply; resolving is pure, so results are shared (treat as read-only).
    _trees: dict[tuple[int, ...], tuple[dict[str, Any], tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False)

    # -- dates -----------------------------------------------------------------------------------------
    def chain(self) -> list["Profile"]:
        """This profile and its ancestors, national first."""
        out: list[Profile] = []
        p: Profile | None = self
        while p is not None:
            out.append(p)
            p = p.parent
        return out[::-1]

    def change_dates(self) -> list[dt.date]:
        """Every date on which this profile's resolved rules may change (own and ancestors' versions)."""
        return sorted({v.effective_from for p in self.chain() for v in p.versions})

    def at(self, on: dt.date) -> "ResolvedProfile":
        """The merged rules in force on ``on``."""
        chain = self.chain()
        key = tuple(sum(1 for v in p.versions if v.effective_from <= on) for p in chain)
        if key not in self._trees:
            tree: dict[str, Any] = {}
            used: list[str] = []
            for p, n in zip(chain, key):
                for v in p.versions[:n]:
                    origin = f"{p.key}@{v.version}"
                    _merge(tree, _annotate(v.settings, origin, origin), origin)
                if n:
                    used.append(f"{p.key}@{p.versions[n - 1].version}")
            self._trees[key] = (tree, tuple(used))
        tree, used_chain = self._trees[key]
        own = key[-1]
        return ResolvedProfile(
            profile=self,
            on=on,
            version=self.versions[own - 1].version if own else None,
            chain=used_chain,
            tree=tree,
        )


@dataclass(frozen=True)
class ResolvedProfile:
    """A profile's rules on one date, inheritance and versions applied."""

    profile: Profile
    on: dt.date
    version: str | None  # this profile's own version in force (None: only ancestors' rules apply yet)
    chain: tuple[str, ...]  # e.g. ("national@baseline", "guangxi@2024.1")
    tree: Mapping[str, Any] = field(repr=False)

    @property
    def key(self) -> str:
        return self.profile.key

    @property
    def version_label(self) -> str:
        """What to print as "profile version": own version, or the inherited chain when none is in force yet."""
        own = f"{self.profile.key}@{self.version}" if self.version else None
        if own and len(self.chain) == 1:
            return own
        return " ← ".join(reversed(self.chain)) if self.chain else "(none)"

    @property
    def name_zh(self) -> str:
        return self.profile.name_zh

    def setting(self, path: str) -> Setting:
        node: Any = self.tree
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ProfileError(f"profile {self.profile.key!r} has no setting {path!r} on {self.on}")
            node = node[part]
        if not isinstance(node, Setting):
            raise ProfileError(f"{path!r} in profile {self.profile.key!r} is a section, not a setting")
        return node

    def value(self, path: str) -> Any:
        return self.setting(path).value

    def entries(self, path: str) -> dict[str, Setting]:
        """A section of keyed entries (categories, entitlements, escalation triggers)."""
        node: Any = self.tree
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return {}
            node = node[part]
        if not isinstance(node, dict) or not all(isinstance(v, Setting) for v in node.values()):
            raise ProfileError(f"{path!r} in profile {self.profile.key!r} is not a section of entries")
        return dict(node)

    def walk(self) -> Iterable[tuple[str, Setting]]:
        """Every setting with its dotted path."""

        def rec(node: Mapping[str, Any], prefix: str) -> Iterable[tuple[str, Setting]]:
            for k, v in node.items():
                path = f"{prefix}.{k}" if prefix else k
                if isinstance(v, Setting):
                    yield path, v
                else:
                    yield from rec(v, path)

        return rec(self.tree, "")


# ------------------------------------------------------------------------------------------------ merging


def _is_setting(node: Any) -> bool:
    return isinstance(node, Mapping) and ("source" in node or "inherit" in node)


def _annotate(raw: Mapping[str, Any], origin: str, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, node in raw.items():
        path = f"{where}:{key}"
        if _is_setting(node):
            source = node.get("source")
            if not isinstance(source, str) or not source.strip():
                raise ProfileError(f"{path}: every setting needs a non-empty 'source' citation")
            if node.get("inherit"):
                extra = set(node) - META_KEYS
                if extra:
                    raise ProfileError(f"{path}: an 'inherit' setting may only carry source/note, not {sorted(extra)}")
                out[key] = _Inherit(source)
                continue
            if "value" in node:
                extra = set(node) - META_KEYS - {"value"}
                if extra:
                    raise ProfileError(f"{path}: unexpected keys {sorted(extra)} beside 'value'")
                value = node["value"]
            else:
                value = {k: v for k, v in node.items() if k not in META_KEYS}
            out[key] = Setting(value=value, source=source, origin=origin, note=node.get("note"))
        elif isinstance(node, Mapping):
            out[key] = _annotate(node, origin, path)
        else:
            raise ProfileError(f"{path}: value {node!r} has no citation; write {{value: …, source: …}}")
    return out


@dataclass(frozen=True)
class _Inherit:
    source: str


def _merge(base: dict[str, Any], over: Mapping[str, Any], origin: str) -> None:
    for key, node in over.items():
        if isinstance(node, _Inherit):
            parent = base.get(key)
            if not isinstance(parent, Setting):
                raise ProfileError(f"{origin}: '{key}' says inherit but no parent setting exists")
            base[key] = Setting(parent.value, parent.source, parent.origin, parent.note, node.source)
        elif isinstance(node, Setting):
            if isinstance(base.get(key), dict):
                raise ProfileError(f"{origin}: '{key}' replaces a section with a single setting")
            base[key] = node
        else:
            existing = base.get(key)
            if existing is None:
                base[key] = {}
            elif isinstance(existing, Setting):
                raise ProfileError(f"{origin}: '{key}' replaces a setting with a section")
            _merge(base[key], node, origin)


# ------------------------------------------------------------------------------------------------ loading


def read_profile_documents(directory: Path | str | None = None) -> dict[str, dict[str, Any]]:
    """All ``*.yaml`` profile documents in ``directory`` (default: the shipped profiles), keyed by ``key``."""
    directory = Path(directory) if directory is not None else PROFILE_DIR
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if not isinstance(doc, dict) or "key" not in doc:
            raise ProfileError(f"{path.name}: not a profile document (needs 'key')")
        if doc["key"] != path.stem:
            raise ProfileError(f"{path.name}: key {doc['key']!r} must match the file name")
        docs[doc["key"]] = doc
    return docs


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ProfileError(f"{where}: {value!r} is not a date")


def _build_one(doc: Mapping[str, Any], parent: Profile | None) -> Profile:
    key = doc["key"]
    allowed = {"key", "name", "parent", "region", "document", "versions"}
    extra = set(doc) - allowed
    if extra:
        raise ProfileError(f"{key}: unknown top-level keys {sorted(extra)}")
    try:
        name = doc["name"]
        region = doc["region"]
        raw_versions = doc["versions"]
    except KeyError as exc:
        raise ProfileError(f"{key}: missing {exc.args[0]!r}") from None
    if not isinstance(region, Mapping) or "prefix" not in region or not region.get("source"):
        raise ProfileError(f"{key}: region needs 'prefix' and 'source'")
    prefix = str(region["prefix"] or "")
    if prefix and (not prefix.isdigit() or len(prefix) not in (2, 4, 6, 9, 12)):
        raise ProfileError(f"{key}: region prefix {prefix!r} must be 2/4/6/9/12 digits")
    if not isinstance(raw_versions, list) or not raw_versions:
        raise ProfileError(f"{key}: needs at least one version")
    versions = []
    for i, v in enumerate(raw_versions):
        where = f"{key}.versions[{i}]"
        if not isinstance(v, Mapping) or set(v) - {"version", "effective_from", "source", "settings"}:
            raise ProfileError(f"{where}: expected version, effective_from, source, settings")
        if not v.get("source"):
            raise ProfileError(f"{where}: a version needs a 'source'")
        versions.append(
            ProfileVersion(
                version=str(v["version"]),
                effective_from=_date(v.get("effective_from"), where),
                source=str(v["source"]),
                settings=v.get("settings") or {},
            )
        )
    versions.sort(key=lambda v: v.effective_from)
    if len({v.effective_from for v in versions}) != len(versions):
        raise ProfileError(f"{key}: two versions share an effective_from date")
    document = doc.get("document") or {}
    profile = Profile(
        key=key,
        name_zh=str(name["zh"]),
        name_en=str(name["en"]),
        region_prefix=prefix,
        region_source=str(region["source"]),
        document_zh=str(document.get("zh", "")),
        seed=document.get("seed"),
        versions=tuple(versions),
        parent=parent,
    )
    # Annotating every version once catches uncited values at load time.
    for v in versions:
        _annotate(v.settings, f"{key}@{v.version}", f"{key}@{v.version}")
    return profile


def build_profiles(docs: Mapping[str, Mapping[str, Any]]) -> dict[str, Profile]:
    """Build every profile from raw documents (files or, later, database rows), resolving parents."""
    built: dict[str, Profile] = {}

    def build(key: str, stack: tuple[str, ...]) -> Profile:
        if key in built:
            return built[key]
        if key in stack:
            raise ProfileError(f"profile inheritance loop: {' → '.join(stack + (key,))}")
        if key not in docs:
            raise ProfileError(f"unknown profile {key!r}")
        doc = docs[key]
        parent_key = doc.get("parent")
        parent = build(parent_key, stack + (key,)) if parent_key else None
        built[key] = _build_one(doc, parent)
        return built[key]

    for key in docs:
        build(key, ())
    return built


def select_profile_key(region_code: str, profiles: Mapping[str, Profile]) -> str:
    """The profile of the nearest ancestor region: the longest matching prefix ("" matches everything)."""
    matches = [p for p in profiles.values() if region_code.startswith(p.region_prefix)]
    if not matches:
        raise ProfileError(f"no profile covers region {region_code!r} (is the national profile missing?)")
    return max(matches, key=lambda p: len(p.region_prefix)).key
