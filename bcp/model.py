"""The typed plan model (spec §3), in pydantic v2.

Field names are the YAML keys. Optional fields default to ``None`` but their type
does not admit ``None``: an explicit empty value (``scope:``) is therefore an error
(S002; S001 for required fields), as the spec asks, instead of passing silently.
The model is built from the merged plan tree; list indexes in the model are the
indexes of the merged tree, so ``plan.services[3]`` is ``services[3]`` in findings.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from .types import Bool, Date, DurationT, Id, Int, Number, Text, parse_duration

FORMAT_VERSIONS = (1,)

Language = Literal["ko", "en"]
Classification = Literal["public", "internal", "confidential", "restricted"]
Standard = Literal["iso-22301", "nist-800-34", "kr-disaster-plan"]
SiteKind = Literal["owned", "colocation", "cloud", "office"]
Mode = Literal["active", "hot", "warm", "cold"]
CopyRole = Literal["primary", "replica"]
Replication = Literal["sync", "async"]
Category = Literal[
    "monitoring", "paging", "deploy", "console", "logging", "dns", "iam", "secrets", "communication", "other"
]
ScenarioKind = Literal[
    "site-loss", "region-loss", "data-corruption", "cyberattack", "supplier-failure", "staff-unavailable", "other"
]
Phase = Literal["activation", "recovery", "reconstitution"]
Audience = Literal["regulator", "customers", "staff", "partners", "press"]
ExerciseKind = Literal["tabletop", "failover", "full-interruption", "restore-test"]
ExerciseResult = Literal["passed", "partial", "failed"]

DEFAULT_REQUIRED_OPS = ["monitoring", "paging", "deploy", "console"]


def F(description: str, default: Any = ..., **kw: Any) -> Any:
    return Field(default, description=description, **kw)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, revalidate_instances="never")


# --- plan ------------------------------------------------------------------------------


class Change(Strict):
    date: Date = F("date of the change")
    version: Text = F("plan version after the change")
    summary: Text = F("what changed")
    author: Text = F("who made the change", None)


class Review(Strict):
    last: Date = F("date of the last review")
    every: DurationT = F("review cycle, e.g. 1y")


class Approval(Strict):
    person: Id = F("person id of the approver")
    title: Text = F("the approver's title as printed on the signature line", None)
    date: Date = F("date of approval")


class PlanInfo(Strict):
    id: Id = F("plan id; names the output files")
    title: Text = F("document title")
    organization: Text = F("organization the plan belongs to")
    version: Text = F('document version, as text: write "1.0", not 1.0')
    language: Language = F("language of the rendered document's labels", "en")
    classification: Classification = F("classification marking", "internal")
    owner: Id = F("role id that owns the plan")
    effective: Date = F("date the plan takes effect", None)
    scope: Text = F("scope of the plan", None)
    assumptions: list[Text] = F("planning assumptions", None)
    distribution: list[Text] = F("who holds a copy of the document", None)
    changes: list[Change] = F("revision history", None)
    logo: Text = F("PNG, JPEG or SVG file, relative to the file that names it", None)
    review: Review = F("review cycle", None)
    approvals: list[Approval] = F("approvals with signature lines", None)
    standards: list[Standard] = F("standards to cross-reference in an appendix", None)


# --- policy ------------------------------------------------------------------------------


class Tier(Strict):
    id: Id = F("tier id")
    name: Text = F("tier name")
    max_rto: DurationT = F("longest recovery time allowed")
    max_rpo: DurationT = F("largest data loss window allowed")
    min_sites: Int = F("sites a component must run on; >= 2 means it must survive any single site loss", 1)
    min_active_sites: Int = F("active sites a component must run on", 1)
    min_regions: Int = F("regions its sites must span; >= 2 means it must survive any region loss", 1)
    min_data_copies: Int = F("data copies on distinct sites", 1)
    ops_tools_min_sites: Int = F("sites each required ops tool serving this tier must run on", 1)
    exercise_every: DurationT = F("how often a passed exercise must cover each component", None)
    min_role_members: Int = F("members each owning role needs", 1)


class Takeover(Strict):
    hot: DurationT = F("time for a hot standby to take load", parse_duration("5m"))
    warm: DurationT = F("time for a warm standby to take load", parse_duration("1h"))
    cold: DurationT = F("time for a cold standby to take load", parse_duration("24h"))


class Policy(Strict):
    tiers: list[Tier] = F("redundancy tiers, most critical first")
    takeover: Takeover = F("default takeover time by mode", None)
    required_ops: list[Category] = F("ops-tool categories that must survive every loss tier 0 must survive", None)
    max_critical_roles_per_person: Int = F("critical roles one person may hold", 2)
    backup_restore_test_every: DurationT = F("how often backups must be restore-tested", parse_duration("1y"))

    def model_post_init(self, __context: Any) -> None:
        # fill the documented defaults, but keep model_fields_set telling what was written
        if self.takeover is None:
            self.takeover = Takeover()
            self.__pydantic_fields_set__.discard("takeover")
        if self.required_ops is None:
            self.required_ops = list(DEFAULT_REQUIRED_OPS)
            self.__pydantic_fields_set__.discard("required_ops")


# --- sites, people, roles --------------------------------------------------------------------


class Site(Strict):
    id: Id = F("site id")
    name: Text = F("site name")
    kind: SiteKind = F("owned, colocation, cloud or office")
    region: Text = F("region; sites in one region share regional hazards")
    operator: Text = F("who operates the site", None)
    capacity: Number = F("capacity units the site offers", None)
    hazards: list[Text] = F("known hazards", None)
    notes: Text = F("notes", None)


class Contacts(Strict):
    phone: Text = F("phone", None)
    mobile: Text = F("mobile phone", None)
    email: Text = F("e-mail", None)
    chat: Text = F("chat handle", None)
    pager: Text = F("pager", None)

    def channels(self) -> list[tuple[str, str]]:
        return [(k, v) for k in ("phone", "mobile", "email", "chat", "pager") if (v := getattr(self, k))]


class Person(Strict):
    id: Id = F("person id")
    name: Text = F("full name")
    contacts: Contacts = F("contact channels")
    timezone: Text = F("IANA time zone, e.g. Asia/Seoul", None)
    title: Text = F("job title", None)


class Role(Strict):
    id: Id = F("role id")
    name: Text = F("role name")
    duties: list[Text] = F("duties", None)
    members: list[Id] = F("person ids in rotation order")
    escalates_to: Id = F("role to escalate to", None)
    critical: Bool = F("a critical role (also: owns a tier-0 component or leads a scenario)", False)


# --- components --------------------------------------------------------------------------------


class Deployment(Strict):
    site: Id = F("site id")
    mode: Mode = F("active, hot, warm or cold")
    capacity: Number = F("capacity units this deployment provides", None)
    takeover: DurationT = F("takeover time, overriding the policy default for the mode", None)


class Component(Strict):
    id: Id = F("component id")
    name: Text = F("name")
    owner: Id = F("owning role id")
    tier: Id = F("tier id")
    description: Text = F("description", None)
    rto: DurationT = F("recovery time objective (default: the tier's max_rto)", None)
    depends_on: list[Id] = F("ids of services, data stores or ops tools this needs", None)

    #: "service", "data" or "ops_tool" (not a YAML field)
    kind: ClassVar[str] = "component"
    section: ClassVar[str] = ""


class Service(Component):
    kind: ClassVar[str] = "service"
    section: ClassVar[str] = "services"
    deployments: list[Deployment] = F("where it runs")
    rpo: DurationT = F("recovery point objective (default: the tier's max_rpo)", None)
    load: Number = F("capacity units needed at peak", None)
    procedures: list[Id] = F("procedure ids that recover it", None)


class DataCopy(Strict):
    site: Id = F("site id")
    role: CopyRole = F("primary or replica")
    replication: Replication = F("sync or async (replicas)", None)
    lag: DurationT = F("replication lag (async replicas)", None)
    takeover: DurationT = F("time to promote it (default: the policy's hot takeover)", None)


class Backups(Strict):
    every: DurationT = F("backup interval")
    retention: DurationT = F("how long backups are kept")
    sites: list[Id] = F("sites that hold backups")
    restore_time: DurationT = F("time to restore (default: the policy's cold takeover)", None)
    last_restore_test: Date = F("date of the last restore test", None)


class DataStore(Component):
    kind: ClassVar[str] = "data"
    section: ClassVar[str] = "data"
    engine: Text = F("database engine", None)
    rpo: DurationT = F("recovery point objective (default: the tier's max_rpo)", None)
    copies: list[DataCopy] = F("copies of the data")
    backups: Backups = F("backups", None)


class OpsTool(Component):
    kind: ClassVar[str] = "ops_tool"
    section: ClassVar[str] = "ops_tools"
    category: Category = F("what kind of ops tool")
    deployments: list[Deployment] = F("where it runs")
    serves: list[Id] = F("ids of what it serves (omitted: everything)", None)


# --- response ----------------------------------------------------------------------------------


class Scenario(Strict):
    id: Id = F("scenario id")
    name: Text = F("scenario name")
    kind: ScenarioKind = F("kind of disruption")
    sites: list[Id] = F("sites lost (site-loss)", None)
    regions: list[Text] = F("regions lost (region-loss)", None)
    lead: Id = F("role that leads the response")
    activation: Text = F("activation criteria", None)
    procedures: list[Id] = F("procedure ids, in order")
    communications: list[Id] = F("communication ids", None)


class Step(Strict):
    do: Text = F("what to do")
    role: Id = F("role that does it")
    expected: DurationT = F("expected duration", None)
    verify: Text = F("how to verify it worked", None)


class Procedure(Strict):
    id: Id = F("procedure id")
    title: Text = F("title")
    owner: Id = F("owning role id")
    phase: Phase = F("activation, recovery or reconstitution", "recovery")
    steps: list[Step] = F("steps, in order")


class Communication(Strict):
    id: Id = F("communication id")
    audience: Audience = F("regulator, customers, staff, partners or press")
    channel: Text = F("channel")
    within: DurationT = F("deadline after the incident starts")
    owner: Id = F("owning role id")
    message: Text = F("message or template", None)


class Exercise(Strict):
    id: Id = F("exercise id")
    date: Date = F("date held")
    kind: ExerciseKind = F("tabletop, failover, full-interruption or restore-test")
    scenario: Id = F("scenario exercised", None)
    covers: list[Id] = F("ids of services, data stores and ops tools covered", None)
    result: ExerciseResult = F("passed, partial or failed")
    measured_rto: dict[Id, DurationT] = F("measured recovery time per component id", None)
    findings: list[Text] = F("findings", None)


class IgnoreEntry(Strict):
    rule: Text = F("rule code, e.g. L001")
    target: Id = F("only findings about this id", None)
    reason: Text = F("why the risk is accepted")


class Checks(Strict):
    ignore: list[IgnoreEntry] = F("accepted findings", None)


# --- the whole plan ------------------------------------------------------------------------------

LIST_SECTIONS = (
    "sites",
    "people",
    "roles",
    "services",
    "data",
    "ops_tools",
    "scenarios",
    "procedures",
    "communications",
    "exercises",
)
MAP_SECTIONS = ("plan", "policy", "checks")


class Plan(Strict):
    """A whole plan, all fragments merged (the ``bcp`` key is checked per file)."""

    plan: PlanInfo = F("the plan's identity and document control")
    policy: Policy = F("what each redundancy tier requires")
    checks: Checks = F("accepted findings", None)
    sites: list[Site] = F("data centers, cloud regions or zones, offices", [])
    people: list[Person] = F("people", [])
    roles: list[Role] = F("on-call and crisis roles", [])
    services: list[Service] = F("services", [])
    data: list[DataStore] = F("data stores", [])
    ops_tools: list[OpsTool] = F("ops tools: monitoring, paging, deploy, consoles …", [])
    scenarios: list[Scenario] = F("what can happen", [])
    procedures: list[Procedure] = F("runbooks", [])
    communications: list[Communication] = F("communications", [])
    exercises: list[Exercise] = F("drills and tests", [])

    @property
    def components(self) -> list[Component]:
        return [*self.services, *self.data, *self.ops_tools]
