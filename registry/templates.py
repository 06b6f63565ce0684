"""The versioned template registry and the rules saying which transition produces what."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, exists, func, or_, update
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from documents.check import check_template
from documents.contexts import KINDS
from registry.database import Database, utcnow
from registry.files import read_limited
from registry.history import record
from registry.people import acting_person, current_organisation
from registry.tables import Organisation, Person, TemplateRule, TemplateVersion
from workflow.errors import KartaError, TemplateProblem, said
from workflow.machine import occurrence_machine
from workflow.states import CONDITIONS as WORKFLOW_CONDITIONS

SHIPPED = Path(__file__).resolve().parents[1] / "documents" / "templates"
TEMPLATE_BYTES = 10 * 1024 * 1024

# DOMAIN.md §6: the default rules; the registry may change them
CONDITIONS = {
    "always": "всегда",
    "order_needed": "планируемый результат или название мероприятия называет приказ, "
                    "или приказ запрошен при начале исполнения",
    "has_decisions": "при анализе записаны управленческие решения",
    "has_recommendations": "при анализе записаны адресные рекомендации",
}
EVENTS = ("approve", *occurrence_machine().events)
# the roadmap's approval, then what each transition's state says it makes (workflow/states)
DEFAULT_RULES = (("approve", "order_approve", "always"), *occurrence_machine().document_rules())
assert set(CONDITIONS) == set(WORKFLOW_CONDITIONS), "conditions said in two places differ"


@dataclass(frozen=True)
class TemplateInfo:
    """A template version as listed."""

    name: str
    kind: str
    version: int
    sha256: str
    active: bool
    created_at: str
    created_by: str
    comment: str
    default: bool = True  # the region's default (not an organisation's own version)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _info(row: TemplateVersion) -> TemplateInfo:
    return TemplateInfo(row.name, row.kind, row.version, row.sha256, row.active,
                        row.created_at.isoformat(timespec="seconds"), row.created_by,
                        row.comment, row.organisation_id is None)


def _layer(session: Session, person: Person) -> int | None:
    """Whose versions and rules a person changes: the defaults, when the person belongs to
    the database's first organisation (a department on its own, or the region's ministry),
    or else their own organisation's, which override the defaults for it alone."""
    first = session.connection().execute(_FIRST_ORGANISATION).scalar()
    return None if person.organisation_id == first else person.organisation_id


_FIRST_ORGANISATION = select(func.min(col(Organisation.id)))


def _in_layer(layer: int | None) -> Any:
    column = col(TemplateVersion.organisation_id)
    return column.is_(None) if layer is None else column == layer


def _visible(session: Session) -> Any:
    """The versions the acting organisation sees: the defaults and its own."""
    from sqlalchemy import or_

    own = current_organisation(session)
    if session.info.get("region_wide") or own is None:
        return True
    return or_(col(TemplateVersion.organisation_id).is_(None),
               col(TemplateVersion.organisation_id) == own)


def install_shipped(session: Session, login: str) -> int:
    """Register every shipped template no layer has yet (version 1 of the region's default;
    a kind added by a newer karta arrives in older databases this way); how many."""
    known = set(session.exec(select(TemplateVersion.name).distinct()))
    missing = [path for path in sorted(SHIPPED.glob("*.docx")) if path.stem not in known]
    for path in missing:
        _store_version(session, login, path.stem, path.stem, path.read_bytes(),
                       SHIPPED_COMMENT, active=True, layer=None)
    return len(missing)


SHIPPED_COMMENT = "шаблон из поставки karta"


def upgrade_shipped(db: Database, login: str | None) -> list[TemplateInfo]:
    """Register the shipped templates this karta brings that the region's defaults lack
    (``karta upgrade``): a changed shipped template becomes a new version, active when the
    active default is itself a shipped one — a version an administrator chose stays active
    and the new one waits for ``activate``. The versions added."""
    added: list[TemplateInfo] = []
    with db.transaction() as session:
        person = acting_person(session, login, "upgrade")
        for path in sorted(SHIPPED.glob("*.docx")):
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            rows = list(session.exec(select(TemplateVersion).options(
                defer(TemplateVersion.content))  # type: ignore[arg-type]
                .where(TemplateVersion.name == path.stem, _in_layer(None))))
            if any(row.sha256 == digest for row in rows):
                continue
            active = next((row for row in rows if row.active), None)
            shipped = active is None or active.comment.startswith(SHIPPED_COMMENT)
            if shipped:
                session.execute(update(TemplateVersion).where(
                    col(TemplateVersion.name) == path.stem, _in_layer(None)).values(
                    active=False))
            row = _store_version(session, person.login, path.stem, path.stem, data,
                                 f"{SHIPPED_COMMENT} (обновление)" if rows else SHIPPED_COMMENT,
                                 active=shipped, layer=None)
            if shipped and rows:
                record(session, login=person.login, object_ref=f"шаблон {row.name} "
                       f"v{row.version}", event="template_activate",
                       comment=f"SHA-256 {row.sha256}; новая версия из поставки karta",
                       touches=[("template", other.id or 0) for other in [*rows, row]])
            added.append(_info(row))
    return added


def install_defaults(session: Session, login: str) -> list[int]:
    """Register the shipped templates (version 1) and the default rules, where missing;
    the ids of the rules added (the caller's event vouches for them)."""
    install_shipped(session, login)
    added: list[TemplateRule] = []
    if session.exec(select(TemplateRule.id)).first() is None:
        for position, (event, template, condition) in enumerate(DEFAULT_RULES, 1):
            added.append(TemplateRule(event=event, template_name=template,
                                      condition=condition, position=position))
            session.add(added[-1])
        session.flush()
    return [rule.id or 0 for rule in added]


def _store_version(session: Session, login: str, name: str, kind: str, data: bytes,
                   comment: str, active: bool, layer: int | None) -> TemplateVersion:
    problems = check_template(name, kind, data)
    if problems:
        raise TemplateProblem(name, "; ".join(problems))
    latest = session.exec(select(func.max(TemplateVersion.version))
                          .where(TemplateVersion.name == name, _in_layer(layer))).one()
    row = TemplateVersion(
        organisation_id=layer, name=name, kind=kind, version=(latest or 0) + 1,
        sha256=hashlib.sha256(data).hexdigest(), content=data, created_at=utcnow(),
        created_by=login, comment=comment, active=active,
    )
    session.add(row)
    session.flush()
    record(session, login=login, object_ref=f"шаблон {name} v{row.version}",
           event="template_add", comment=f"{KINDS[kind]['label']}; SHA-256 {row.sha256}; "
                                         f"{comment}".strip("; "),
           details={"sha256": row.sha256}, touches=[("template", row.id or 0)])
    return row


def add_template(db: Database, login: str | None, path: Path, name: str, kind: str,
                 comment: str = "") -> TemplateInfo:
    """Register a new immutable version; the first version of a name becomes active,
    later ones wait for ``activate``."""
    data = read_limited(path, TEMPLATE_BYTES)
    with db.transaction() as session:
        person = acting_person(session, login, "template_add")
        layer = _layer(session, person)
        previous = session.exec(select(TemplateVersion).where(
            TemplateVersion.name == name, _in_layer(layer))
            .order_by(col(TemplateVersion.version).desc())).first()
        default = session.exec(select(TemplateVersion).where(
            TemplateVersion.name == name, _in_layer(None))).first()
        if previous is None and default is not None and default.kind != kind:
            previous = default  # an organisation's own version keeps the default's kind
        if previous is not None and previous.kind != kind:
            raise KartaError(f"шаблон «{name}» вида {previous.kind}; новая версия должна быть "
                             f"того же вида, а не {kind}")
        if previous is not None and previous.sha256 == hashlib.sha256(data).hexdigest():
            raise KartaError(f"этот файл уже зарегистрирован как {name} v{previous.version}")
        first = session.exec(select(TemplateVersion.id).where(
            TemplateVersion.name == name, _in_layer(layer))).first() is None
        row = _store_version(session, person.login, name, kind, data, comment,
                             active=first and layer is None, layer=layer)
        return _info(row)


def check_file(path: Path, kind: str) -> list[str]:
    """Check a template file without registering it."""
    return check_template(path.stem, kind, read_limited(path, TEMPLATE_BYTES))


def list_templates(db: Database, login: str | None) -> list[TemplateInfo]:
    with db.reading() as session:
        acting_person(session, login)
        rows = session.exec(select(TemplateVersion).where(_visible(session)).order_by(
            col(TemplateVersion.name), col(TemplateVersion.organisation_id),
            col(TemplateVersion.version)))
        return [_info(row) for row in rows]


def show_template(db: Database, login: str | None, name: str) -> dict[str, object]:
    """A template's versions, its kind's documented context and the rules that use it."""
    from documents.contexts import describe
    from documents.render import FILTER_HELP

    with db.reading() as session:
        acting_person(session, login)
        rows = list(session.exec(select(TemplateVersion).where(
            TemplateVersion.name == name, _visible(session))
            .order_by(col(TemplateVersion.organisation_id), col(TemplateVersion.version))))
        if not rows:
            if name in KINDS:  # `templates show KIND` documents a kind
                kind = name
            else:
                raise KartaError(f"нет шаблона «{name}»" + said(" (karta templates list)"))
        else:
            kind = rows[0].kind
        rules = session.exec(select(TemplateRule).where(TemplateRule.template_name == name))
        return {
            "name": name, "kind": kind, "label": KINDS[kind]["label"],
            "versions": [_info(row).as_dict() for row in rows],
            "rules": [{"id": r.id, "event": r.event, "when": r.condition} for r in rules],
            "context": describe(KINDS[kind]["context"]),
            "filters": FILTER_HELP,
        }


def activate(db: Database, login: str | None, name: str, version: int) -> TemplateInfo:
    """Make one version the active one."""
    with db.transaction() as session:
        person = acting_person(session, login, "template_activate")
        layer = _layer(session, person)
        row = session.exec(select(TemplateVersion).where(
            TemplateVersion.name == name, TemplateVersion.version == version,
            _in_layer(layer))).first()
        if row is None:
            raise KartaError(f"нет версии {version} шаблона «{name}»"
                             + said(f" (karta templates show {name})"))
        versions = list(session.exec(select(TemplateVersion.id).where(
            TemplateVersion.name == name, _in_layer(layer))))
        session.execute(update(TemplateVersion).where(col(TemplateVersion.name) == name,
                                                      _in_layer(layer)).values(active=False))
        session.execute(update(TemplateVersion).where(col(TemplateVersion.id) == row.id)
                        .values(active=True))
        record(session, login=person.login, object_ref=f"шаблон {name} v{version}",
               event="template_activate", comment=f"SHA-256 {row.sha256}",
               touches=[("template", version_id or 0) for version_id in versions])
        row.active = True
        return _info(row)


def active_version(session: Session, name: str) -> TemplateVersion:
    """The active version of a template for the acting organisation — its own, else the
    region's default; a clear error when there is none."""
    # the bytes are loaded only if this version is not compiled in this process yet
    own = current_organisation(session)
    layers = _in_layer(None) if own is None else or_(_in_layer(own), _in_layer(None))
    # one query for both layers: the organisation's own version first (NULLs sort last)
    row = session.exec(select(TemplateVersion).options(defer(TemplateVersion.content))  # type: ignore[arg-type]
                       .where(TemplateVersion.name == name, layers,
                              col(TemplateVersion.active).is_(True))
                       .order_by(col(TemplateVersion.organisation_id).is_(None))).first()
    if row is None:
        raise KartaError(f"у шаблона «{name}» нет активной версии"
                         + said(" (karta templates activate)"))
    return row


# ----------------------------------------------------------------------------- rules
#
# Rules come in layers, as template versions do: the region's defaults (no organisation)
# and an organisation's own. An organisation with no rules of its own follows the defaults;
# its first change copies them into its own layer (logged), which from then on replaces the
# defaults for it alone. A regional administrator changes the defaults.

_RULE = TemplateRule.__table__  # type: ignore[attr-defined]
_RULES_FOR = (select(_RULE).where(
    col(TemplateRule.event) == bindparam("event"),
    or_(col(TemplateRule.organisation_id) == bindparam("own"),
        col(TemplateRule.organisation_id).is_(None) & ~exists().where(
            _RULE.alias("own_rule").c.organisation_id == bindparam("own"))))
    .order_by(col(TemplateRule.position), col(TemplateRule.id)))


def rules_for(session: Session, event: str) -> list[TemplateRule]:
    """The rules of an event for the acting organisation, in order (a prepared Core query:
    it runs on every transition)."""
    rows = session.connection().execute(_RULES_FOR, {"event": event,
                                                     "own": current_organisation(session)})
    return [TemplateRule.model_construct(**row._mapping) for row in rows]


def _rules_in_force(session: Session) -> list[TemplateRule]:
    """Every rule the acting organisation follows: its own when it has any, else the
    defaults."""
    own = current_organisation(session)
    layer = own if own is not None and session.exec(select(TemplateRule.id).where(
        TemplateRule.organisation_id == own)).first() is not None else None
    return list(session.exec(select(TemplateRule).where(_rule_layer(layer)).order_by(
        col(TemplateRule.event), col(TemplateRule.position), col(TemplateRule.id))))


def _rule_layer(layer: int | None) -> Any:
    column = col(TemplateRule.organisation_id)
    return column.is_(None) if layer is None else column == layer


def _own_rules(session: Session, person: Person) -> tuple[int | None, dict[int, int]]:
    """The layer a person changes, copying the defaults into an organisation's own layer
    on its first change. Returns the layer and, for a copy, each default rule's id → its
    copy's id (so a rule chosen from the list the person saw is found in the copy)."""
    layer = _layer(session, person)
    if layer is None or session.exec(select(TemplateRule.id).where(
            TemplateRule.organisation_id == layer)).first() is not None:
        return layer, {}
    defaults = list(session.exec(select(TemplateRule).where(_rule_layer(None))))
    copies = {rule.id or 0: TemplateRule(organisation_id=layer, event=rule.event,
                                         template_name=rule.template_name,
                                         condition=rule.condition, position=rule.position)
              for rule in defaults}
    session.add_all(copies.values())
    session.flush()
    if copies:
        record(session, login=person.login, object_ref="правила", event="rule_add",
               comment="правила по умолчанию скопированы в собственные правила организации",
               touches=[("rule", copy.id or 0) for copy in copies.values()])
    return layer, {default: copy.id or 0 for default, copy in copies.items()}


def list_rules(db: Database, login: str | None) -> list[dict[str, object]]:
    with db.reading() as session:
        acting_person(session, login)
        return [{"id": r.id, "event": r.event, "template": r.template_name,
                 "when": r.condition, "when_text": CONDITIONS[r.condition],
                 "default": r.organisation_id is None} for r in _rules_in_force(session)]


def add_rule(db: Database, login: str | None, event: str, template: str,
             condition: str = "always") -> dict[str, object]:
    """Add a rule; refuse an unknown event or condition, a missing template, or a template
    whose kind cannot be made from that event."""
    if event not in EVENTS:
        raise KartaError(f"неизвестное событие «{event}»; события: {', '.join(EVENTS)}")
    if condition not in CONDITIONS:
        raise KartaError(f"неизвестное условие «{condition}»; условия: {', '.join(CONDITIONS)}")
    with db.transaction() as session:
        person = acting_person(session, login, "rule_add")
        row = session.exec(select(TemplateVersion).where(TemplateVersion.name == template)).first()
        if row is None:
            raise KartaError(f"правило ссылается на несуществующий шаблон «{template}»")
        active_version(session, template)
        if event not in KINDS[row.kind]["events"]:
            raise KartaError(f"шаблон «{template}» вида {row.kind} нельзя сформировать по "
                             f"событию {event}; подходит: {', '.join(KINDS[row.kind]['events'])}")
        layer, _ = _own_rules(session, person)
        position = len(list(session.exec(select(TemplateRule.id).where(
            TemplateRule.event == event, _rule_layer(layer))))) + 1
        rule = TemplateRule(organisation_id=layer, event=event, template_name=template,
                            condition=condition, position=position)
        session.add(rule)
        session.flush()
        record(session, login=person.login, object_ref=f"правило {rule.id}", event="rule_add",
               comment=f"{event} → {template} ({CONDITIONS[condition]})",
               touches=[("rule", rule.id or 0)])
        return {"id": rule.id, "event": event, "template": template, "when": condition}


def remove_rule(db: Database, login: str | None, rule_id: int) -> None:
    with db.transaction() as session:
        person = acting_person(session, login, "rule_remove")
        if rule_id not in {rule.id for rule in _rules_in_force(session)}:
            raise KartaError(f"нет правила {rule_id}" + said(" (karta rules list)"))
        layer, copied = _own_rules(session, person)
        rule = session.get(TemplateRule, copied.get(rule_id, rule_id))
        if rule is None or rule.organisation_id != layer:
            raise KartaError(f"нет правила {rule_id}" + said(" (karta rules list)"))
        session.delete(rule)
        record(session, login=person.login, object_ref=f"правило {rule.id}",
               event="rule_remove", comment=f"{rule.event} → {rule.template_name}",
               touches=[("rule", rule.id or 0)])
