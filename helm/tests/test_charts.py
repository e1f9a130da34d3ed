"""The charts as rendered by `helm template` (defaults and helm/ci/full-values.yaml): every workload meets the Pod
Security Standard "restricted", the environment each chart sets is exactly what its service's code reads, the bearer
tokens come from the release's Secrets (generated, or existing ones named in values) and from nowhere else, and the
parts that refer to each other (selectors, NetworkPolicy peers, KEDA, the drain) agree.

Run by `make helm-check` with HELM=<path to helm 3>; fails, not skips, without helm.
"""
from __future__ import annotations

import base64
import functools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "helm"
FULL_VALUES = CHART / "ci" / "full-values.yaml"
RELEASE, NAMESPACE = "log-analysis", "log-analysis"
KUBE_VERSION = "1.33.0"

SUBCHARTS = ("service-receiver", "service-log-extractor", "service-result-storage")
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod")

# Read by boto3 itself (botocore's configuration chain), not by our code: they count as read by every service that
# uses boto3. The chart sets AWS_DEFAULT_REGION always, AWS_ENDPOINT_URL only when global.awsEndpointUrl is set.
BOTO3_ENV = {"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"}
# Injected by the EKS pod identity webhook (IRSA) at admission; a chart that set them would fight the webhook.
WEBHOOK_ENV = {"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION", "AWS_STS_REGIONAL_ENDPOINTS"}

# env.get("X"), env["X"], environ.get("X"), os.environ["X"], os.environ.setdefault("X"), os.getenv("X"), and the
# typed reads of service_kit.settings, env_<kind>(<mapping>, "X", ...) (env_int, env_float, env_bool, env_list,
# env_tokens)
ENV_READ = re.compile(
    r"""(?:\b(?:env|environ)\s*(?:\.\s*(?:get|setdefault)\s*\(|\[)|\bos\.getenv\s*\(|\benv_[a-z]+\s*\(\s*[\w.]+\s*,)"""
    r"""\s*["']([A-Z][A-Z0-9_]*)["']""")
# app/gunicorn_conf.py may read through a helper (_int("GUNICORN_WORKERS", 2)): there every GUNICORN_* literal counts
GUNICORN_LITERAL = re.compile(r"""["'](GUNICORN_[A-Z0-9_]+)["']""")


# -- helm --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def render(helm_template):
    """render(*args, chart_path=CHART): the parsed documents `helm template` renders (cached per arguments)."""
    @functools.lru_cache(maxsize=None)
    def render(*args: str, chart_path: Path = CHART) -> tuple[dict, ...]:
        docs = tuple(d for d in yaml.safe_load_all(helm_template(*args, chart=chart_path)) if d)
        assert docs, f"helm template {' '.join(args)} rendered nothing"
        return docs

    return render


DEFAULTS: tuple[str, ...] = ()
FULL: tuple[str, ...] = ("-f", str(FULL_VALUES))
RENDERINGS = {"defaults": DEFAULTS, "full-values": FULL}


def chart_of(doc: dict) -> str:
    return doc["metadata"]["labels"]["helm.sh/chart"].rsplit("-", 1)[0]


def find(docs, kind: str, chart: str | None = None) -> list[dict]:
    return [d for d in docs if d["kind"] == kind and (chart is None or chart_of(d) == chart)]


def one(docs, kind: str, chart: str) -> dict:
    found = find(docs, kind, chart)
    assert len(found) == 1, f"expected one {kind} of {chart}, found {len(found)}"
    return found[0]


def pod_template(doc: dict) -> dict:
    """The pod template (metadata + spec) of a workload."""
    if doc["kind"] == "Pod":
        return doc
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]
    return doc["spec"]["template"]


def workloads(docs) -> list[dict]:
    return [d for d in docs if d["kind"] in WORKLOAD_KINDS]


def matches(selector: dict, labels: dict) -> bool:
    """matchLabels only: the charts use no matchExpressions."""
    assert set(selector) <= {"matchLabels"}, selector
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


# -- Pod Security Standard "restricted" (+ read-only root, no API token, pinned images) ---------------------------

RESTRICTED_VOLUME_TYPES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                           "projected", "secret"}


def restricted_violations(spec: dict) -> list[str]:
    """What keeps a pod spec from the "restricted" profile (Kubernetes Pod Security Standards), plus this repo's
    additions: read-only root filesystem, no automounted API token, images by tag or digest but never latest."""
    bad: list[str] = []
    pod_sc = spec.get("securityContext") or {}
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            bad.append(f"{field}: true")
    if spec.get("automountServiceAccountToken") is not False:
        bad.append("automountServiceAccountToken is not false")
    for vol in spec.get("volumes") or []:
        kinds = set(vol) - {"name"}
        if not kinds <= RESTRICTED_VOLUME_TYPES:
            bad.append(f"volume {vol['name']}: type {sorted(kinds - RESTRICTED_VOLUME_TYPES)} not allowed")
    if (pod_sc.get("seccompProfile") or {}).get("type") == "Unconfined":
        bad.append("pod seccompProfile Unconfined")
    for sysctl in pod_sc.get("sysctls") or []:
        bad.append(f"sysctl {sysctl.get('name')}")
    if pod_sc.get("runAsUser") == 0:
        bad.append("pod runAsUser 0")
    containers = [*(spec.get("initContainers") or []), *(spec.get("containers") or []),
                  *(spec.get("ephemeralContainers") or [])]
    if not containers:
        bad.append("no containers")
    for c in containers:
        sc = c.get("securityContext") or {}
        where = f"container {c['name']}"
        if sc.get("privileged"):
            bad.append(f"{where}: privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            bad.append(f"{where}: allowPrivilegeEscalation is not false")
        if not (sc.get("runAsNonRoot") is True or (pod_sc.get("runAsNonRoot") is True and "runAsNonRoot" not in sc)):
            bad.append(f"{where}: runAsNonRoot is not true")
        if sc.get("runAsUser") == 0:
            bad.append(f"{where}: runAsUser 0")
        seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            bad.append(f"{where}: seccompProfile {seccomp!r}, not RuntimeDefault/Localhost")
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            bad.append(f"{where}: capabilities do not drop ALL")
        if set(caps.get("add") or []) - {"NET_BIND_SERVICE"}:
            bad.append(f"{where}: adds capabilities {caps['add']}")
        if sc.get("procMount") not in (None, "Default"):
            bad.append(f"{where}: procMount {sc['procMount']}")
        if (sc.get("appArmorProfile") or {}).get("type") == "Unconfined":
            bad.append(f"{where}: appArmorProfile Unconfined")
        if sc.get("readOnlyRootFilesystem") is not True:
            bad.append(f"{where}: readOnlyRootFilesystem is not true")
        for port in c.get("ports") or []:
            if port.get("hostPort"):
                bad.append(f"{where}: hostPort {port['hostPort']}")
        image = c.get("image", "")
        name_tag, _, digest = image.partition("@")
        tag = name_tag.rsplit(":", 1)[1] if ":" in name_tag.rsplit("/", 1)[-1] else ""
        if not digest and not tag:
            bad.append(f"{where}: image {image!r} has neither tag nor digest")
        if tag == "latest":
            bad.append(f"{where}: image {image!r} is :latest")
        if digest and not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
            bad.append(f"{where}: image digest {digest!r} malformed")
    return bad


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_every_workload_meets_restricted(rendering, render):
    docs = render(*RENDERINGS[rendering])
    found = workloads(docs)
    assert {d["kind"] for d in found} >= ({"Deployment", "CronJob"} if rendering == "full-values" else {"Deployment"})
    assert len(find(docs, "Deployment")) == 3
    problems = {f"{d['kind']}/{d['metadata']['name']}": restricted_violations(pod_template(d)["spec"])
                for d in found}
    assert not {k: v for k, v in problems.items() if v}, problems


def test_restricted_check_catches_violations(render):
    """The checker itself: a pod spec that breaks the rules is reported, field by field."""
    spec = pod_template(one(render(), "Deployment", "service-receiver"))["spec"]
    assert restricted_violations(spec) == []
    broken = json.loads(json.dumps(spec))
    broken["hostNetwork"] = True
    broken["volumes"].append({"name": "host", "hostPath": {"path": "/"}})
    broken["automountServiceAccountToken"] = True
    c = broken["containers"][0]
    c["image"] = "log-analysis/service-receiver:latest"
    c["securityContext"].update(allowPrivilegeEscalation=True, readOnlyRootFilesystem=False,
                                capabilities={"add": ["SYS_ADMIN"]})
    del broken["securityContext"]["seccompProfile"]
    found = " | ".join(restricted_violations(broken))
    for expected in ("hostNetwork", "hostPath", "automountServiceAccountToken", ":latest",
                     "allowPrivilegeEscalation", "readOnlyRootFilesystem", "drop ALL", "SYS_ADMIN", "seccompProfile"):
        assert expected in found, (expected, found)


def test_images_by_tag_by_default_and_by_digest_when_set(render, helm_binary):
    app_versions = {sub: yaml.safe_load((CHART / "charts" / sub / "Chart.yaml").read_text())["appVersion"]
                    for sub in SUBCHARTS}
    for d in find(render(), "Deployment"):
        c = pod_template(d)["spec"]["containers"][0]
        assert c["image"] == f"log-analysis/{chart_of(d)}:{app_versions[chart_of(d)]}"
        assert c["imagePullPolicy"] == "Always"
    for d in workloads(render(*FULL)):
        c = pod_template(d)["spec"]["containers"][0]
        assert re.fullmatch(r"123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/log-analysis/"
                            r"service-[a-z-]+@sha256:[0-9a-f]{64}", c["image"]), c["image"]
        assert c["imagePullPolicy"] == "IfNotPresent"
    # a malformed digest: the chart's values.schema.json rejects it, and so does the template without the schema
    bad = subprocess.run([helm_binary, "template", RELEASE, str(CHART), "--set",
                          "service-receiver.image.digest=latest"], capture_output=True, text=True)
    assert bad.returncode != 0 and "image.digest: Does not match pattern" in bad.stderr, bad.stderr
    bad = subprocess.run([helm_binary, "template", RELEASE, str(CHART), "--skip-schema-validation", "--set",
                          "service-receiver.image.digest=latest"], capture_output=True, text=True)
    assert bad.returncode != 0 and "image.digest must look like sha256" in bad.stderr, bad.stderr


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_service_accounts_carry_the_irsa_role_and_no_api_token(rendering, render):
    docs = render(*RENDERINGS[rendering])
    for sub in SUBCHARTS:
        sa = one(docs, "ServiceAccount", sub)
        assert sa["automountServiceAccountToken"] is False
        role = (sa["metadata"].get("annotations") or {}).get("eks.amazonaws.com/role-arn")
        assert (role is not None) == (rendering == "full-values"), (sub, role)
        for d in workloads(docs):
            if chart_of(d) == sub:
                assert pod_template(d)["spec"]["serviceAccountName"] == sa["metadata"]["name"]


# -- environment: what each chart sets == what its service reads -----------------------------------------------

KIT = REPO / "lib" / "service-kit" / "src" / "service_kit"
KIT_IMPORT = re.compile(r"^\s*(?:from\s+service_kit\.(\w+)\s+import|import\s+service_kit\.(\w+))", re.M)


def env_reads(path: Path) -> set[str]:
    text = path.read_text()
    names = set(ENV_READ.findall(text))
    if path.name in ("gunicorn_conf.py", "gunicorn.py"):
        names |= set(GUNICORN_LITERAL.findall(text))
    return names


def service_env(service: str) -> tuple[set[str], bool]:
    """Names the service's code reads (app/, tests excluded, and the service-kit modules it imports), and whether
    it uses boto3."""
    app = REPO / service / "app"
    files = [p for p in app.rglob("*.py") if "tests" not in p.relative_to(app).parts]
    assert files, f"no code under {app}"
    kit_modules = {m for p in files for pair in KIT_IMPORT.findall(p.read_text()) for m in pair if m}
    kit_files = [KIT / f"{m}.py" for m in sorted(kit_modules)]
    assert all(f.exists() for f in kit_files), kit_files
    names: set[str] = set()
    for path in files + kit_files:
        names |= env_reads(path)
    uses_boto3 = any(re.search(r"^\s*(import boto3|from boto3\b)", p.read_text(), re.M) for p in files)
    return names, uses_boto3


def chart_env(docs, sub: str) -> set[str]:
    """Names the chart puts into its containers' environment: the ConfigMaps they load (envFrom) and env."""
    configmaps = {cm["metadata"]["name"]: cm for cm in find(docs, "ConfigMap", sub)}
    names: set[str] = set()
    for d in workloads(docs):
        if chart_of(d) != sub:
            continue
        for c in pod_template(d)["spec"]["containers"]:
            for source in c.get("envFrom") or []:
                ref = source.get("configMapRef")
                assert ref and ref["name"] in configmaps, f"{sub}: envFrom {source} is not a ConfigMap of the chart"
                names |= set(configmaps[ref["name"]].get("data") or {})
            names |= {e["name"] for e in c.get("env") or []}
    return names


def test_env_scanner_finds_every_read_form(tmp_path):
    code = tmp_path / "mod.py"
    code.write_text('env = os.environ\nenv.get("A", 1)\nos.environ["B"]\nos.getenv( "C")\n'
                    'os.environ.get(\n    "D")\nenviron.setdefault("E", "")\nx.get("NOT_ENV")\n"F"\n'
                    # service_kit.settings' typed reads: env_<kind>(<mapping>, "NAME", ...)
                    'env_tokens(env, "G", required=True)[0]\nenv_int(os.environ, "H", 0, minimum=0)\n'
                    'env_float(\n    env,\n    "I", 1.0)\nenv_list(env, "J")\nenv_bool(env, \'K\', False)\n'
                    'my_env_int(env, "NOT_A_READ")\nenv_int("NOT_A_MAPPING")\nenv_list(env, name)\n')
    assert env_reads(code) == {"A", "B", "C", "D", "E", "G", "H", "I", "J", "K"}
    conf = tmp_path / "gunicorn_conf.py"
    conf.write_text('workers = _int("GUNICORN_WORKERS", 2)\nbind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8080")\n')
    assert env_reads(conf) == {"GUNICORN_WORKERS", "GUNICORN_BIND"}


@pytest.mark.parametrize("sub", SUBCHARTS)
@pytest.mark.parametrize("rendering", RENDERINGS)
def test_chart_env_is_exactly_what_the_service_reads(sub, rendering, render):
    docs = render(*RENDERINGS[rendering])
    reads, uses_boto3 = service_env(sub)
    expected = reads | (BOTO3_ENV if uses_boto3 else set())
    if rendering == "defaults":
        expected -= {"AWS_ENDPOINT_URL"}  # set only with global.awsEndpointUrl (full-values sets it)
    sets = chart_env(docs, sub)
    assert not sets & WEBHOOK_ENV, f"{sub}: the EKS webhook injects {sorted(sets & WEBHOOK_ENV)}, not the chart"
    assert sets == expected, (f"{sub} ({rendering}): set by the chart but read by no code: "
                              f"{sorted(sets - expected)}; read by the code but not set by the chart: "
                              f"{sorted(expected - sets)}")


# -- credentials: the bearer tokens in Secrets, as env from secretKeyRef ------------------------------------------

# credential (global.credentials.<name>) -> (env variable, default Secret name below the release name)
CREDENTIALS = {"extractorToken": ("EXTRACTOR_TOKEN", "extractor-token"),
               "resultsWriteToken": ("RESULTS_WRITE_TOKEN", "results-write-token"),
               "resultsReadToken": ("RESULTS_READ_TOKEN", "results-read-token")}
TOKEN_ENV = {env: credential for credential, (env, _) in CREDENTIALS.items()}
# the tokens each service's Deployment gets (and nothing else of them): the one it sends and the ones it accepts
TOKENS_OF = {"service-receiver": {"EXTRACTOR_TOKEN"},
             "service-log-extractor": {"EXTRACTOR_TOKEN", "RESULTS_WRITE_TOKEN"},
             "service-result-storage": {"RESULTS_WRITE_TOKEN", "RESULTS_READ_TOKEN"}}
GENERATED_TOKEN = re.compile(r"[A-Za-z0-9]{43}")  # randAlphaNum 43
SECRETS_TEMPLATE = CHART / "templates" / "secrets.yaml"


def default_secret(credential: str, release: str = RELEASE) -> str:
    return f"{release}-{CREDENTIALS[credential][1]}"


def secret_env(container: dict) -> dict[str, dict]:
    """The container's env entries from Secrets: name -> secretKeyRef."""
    return {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container.get("env") or []
            if "secretKeyRef" in (e.get("valueFrom") or {})}


def secrets_by_name(docs) -> dict[str, dict]:
    return {s["metadata"]["name"]: s for s in find(docs, "Secret")}


def decoded(secret: dict, key: str = "token") -> str:
    return base64.b64decode(secret["data"][key]).decode()


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_each_pod_gets_exactly_the_tokens_it_needs_from_the_release_secrets(rendering, render):
    docs = render(*RENDERINGS[rendering])
    secrets = secrets_by_name(docs)
    assert set(secrets) == {default_secret(c) for c in CREDENTIALS}
    for sub in SUBCHARTS:
        reads, _ = service_env(sub)
        assert TOKENS_OF[sub] == reads & set(TOKEN_ENV), f"{sub}: the code reads other tokens than the chart expects"
        (container,) = pod_template(one(docs, "Deployment", sub))["spec"]["containers"]
        refs = secret_env(container)
        assert set(refs) == TOKENS_OF[sub], sub
        for env, ref in refs.items():
            # the sender and the acceptor of a token read the one Secret of the release that holds it
            assert ref == {"name": default_secret(TOKEN_ENV[env]), "key": "token"}, (sub, env, ref)
            assert ref["key"] in secrets[ref["name"]]["data"]
        # never a literal token, never one from the ConfigMap
        assert not [e for e in container.get("env") or [] if e["name"] in TOKEN_ENV and "valueFrom" not in e]
        for cm in find(docs, "ConfigMap", sub):
            assert not set(cm.get("data") or {}) & set(TOKEN_ENV), cm["metadata"]["name"]
    # storage's retry-mail CronJob answers no request and calls no service: no token at all
    for cron in find(docs, "CronJob"):
        for c in pod_template(cron)["spec"]["containers"]:
            assert not secret_env(c) and not {e["name"] for e in c.get("env") or []} & set(TOKEN_ENV)


def test_secrets_are_generated_once_and_never_roll_the_pods(helm_template):
    """A fresh render (no cluster: lookup finds nothing) generates every token; the Secrets' values reach no pod
    annotation, so a new value (each `helm template`) leaves the pod templates alone."""
    first, second = (tuple(d for d in yaml.safe_load_all(helm_template()) if d) for _ in range(2))
    secrets, again = secrets_by_name(first), secrets_by_name(second)
    for name, secret in secrets.items():
        assert secret["type"] == "Opaque" and set(secret["data"]) == {"token"}, name
        assert GENERATED_TOKEN.fullmatch(decoded(secret)), name
        assert decoded(secret) != decoded(again[name]), f"{name}: not random"
        assert secret["metadata"]["labels"]["app.kubernetes.io/instance"] == RELEASE
    assert len({decoded(s) for s in secrets.values()}) == len(secrets), "one token per Secret"
    values = {s["data"]["token"] for s in secrets.values()} | {decoded(s) for s in secrets.values()}
    for a, b in zip(workloads(first), workloads(second)):
        assert a == b, f"{a['kind']}/{a['metadata']['name']} changes with the generated tokens"
        assert not any(v in json.dumps(pod_template(a)["metadata"]) for v in values)


def test_existing_secrets_replace_the_generated_ones(render):
    args = ("--set", "global.credentials.extractorToken.existingSecret=vault-extractor",
            "--set", "global.credentials.extractorToken.key=current",
            "--set", "global.credentials.resultsReadToken.existingSecret=readers")
    docs = render(*args)
    assert set(secrets_by_name(docs)) == {default_secret("resultsWriteToken")}, "only the write token is generated"
    expected = {"EXTRACTOR_TOKEN": {"name": "vault-extractor", "key": "current"},
                "RESULTS_WRITE_TOKEN": {"name": default_secret("resultsWriteToken"), "key": "token"},
                "RESULTS_READ_TOKEN": {"name": "readers", "key": "token"}}
    for sub in SUBCHARTS:
        (container,) = pod_template(one(docs, "Deployment", sub))["spec"]["containers"]
        assert secret_env(container) == {env: expected[env] for env in TOKENS_OF[sub]}, sub
    # a key of its own for a generated Secret: the Secret and the pods use it
    docs = render("--set", "global.credentials.resultsWriteToken.key=write")
    assert set(secrets_by_name(docs)[default_secret("resultsWriteToken")]["data"]) == {"write"}
    (container,) = pod_template(one(docs, "Deployment", "service-log-extractor"))["spec"]["containers"]
    assert secret_env(container)["RESULTS_WRITE_TOKEN"]["key"] == "write"


@pytest.mark.parametrize("sub", SUBCHARTS)
def test_a_service_chart_alone_refers_to_the_umbrellas_secret_names(sub, render):
    """Installed alone, a service chart creates no Secret and expects those the umbrella would create for the same
    release (or the ones named in its own global.credentials)."""
    docs = render(chart_path=CHART / "charts" / sub)
    assert not find(docs, "Secret")
    (container,) = pod_template(one(docs, "Deployment", sub))["spec"]["containers"]
    assert secret_env(container) == {env: {"name": default_secret(TOKEN_ENV[env]), "key": "token"}
                                     for env in TOKENS_OF[sub]}
    umbrella = secrets_by_name(render())
    assert {ref["name"] for ref in secret_env(container).values()} <= set(umbrella)
    credential = TOKEN_ENV[sorted(TOKENS_OF[sub])[0]]
    own = render("--set", f"global.credentials.{credential}.existingSecret=mine", chart_path=CHART / "charts" / sub)
    (container,) = pod_template(one(own, "Deployment", sub))["spec"]["containers"]
    assert secret_env(container)[CREDENTIALS[credential][0]]["name"] == "mine"


def test_public_read_is_an_explicit_opt_out_without_a_read_token(render):
    """Decision: with config.publicRead the read token has no use, so storage gets none and the umbrella creates no
    read-token Secret (an existingSecret named for it is not referenced either); writes keep their token."""
    assert one(render(), "ConfigMap", "service-result-storage")["data"]["RESULTS_PUBLIC_READ"] == "false"
    for args in (("--set", "service-result-storage.config.publicRead=true"),
                 ("--set", "service-result-storage.config.publicRead=true",
                  "--set", "global.credentials.resultsReadToken.existingSecret=readers")):
        docs = render(*args)
        assert one(docs, "ConfigMap", "service-result-storage")["data"]["RESULTS_PUBLIC_READ"] == "true"
        (container,) = pod_template(one(docs, "Deployment", "service-result-storage"))["spec"]["containers"]
        assert set(secret_env(container)) == {"RESULTS_WRITE_TOKEN"}
        assert set(secrets_by_name(docs)) == {default_secret("extractorToken"), default_secret("resultsWriteToken")}
    # storage reads the switch (app/config.py: the read token is required unless RESULTS_PUBLIC_READ)
    assert {"RESULTS_PUBLIC_READ", "RESULTS_READ_TOKEN"} <= service_env("service-result-storage")[0]


def test_secrets_only_for_tokens_an_enabled_service_uses(render):
    docs = render("--set", "service-receiver.enabled=false", "--set", "service-log-extractor.enabled=false")
    assert set(secrets_by_name(docs)) == {default_secret("resultsWriteToken"), default_secret("resultsReadToken")}
    docs = render("--set", "service-result-storage.enabled=false")
    assert set(secrets_by_name(docs)) == {default_secret("extractorToken"), default_secret("resultsWriteToken")}


def test_logs_buckets_are_the_extractors_allow_list(render):
    data = one(render("--set", "service-log-extractor.config.logsBuckets={logs-a,logs.b}"), "ConfigMap",
               "service-log-extractor")["data"]
    assert data["LOGS_BUCKETS"] == "logs-a,logs.b"
    assert "LOGS_BUCKETS" not in one(render(), "ConfigMap", "service-receiver")["data"]


def test_extractor_work_bounds_render_as_the_service_parses_them(tmp_path, render, render_notes):
    """EXTRACT_MAX_BYTES is an integer for env_int: 10 GiB must not render as a float (1.073741824e+10)."""
    data = one(render(), "ConfigMap", "service-log-extractor")["data"]
    assert (data["EXTRACT_MAX_BYTES"], data["EXTRACT_DEADLINE_SECONDS"]) == ("10737418240", "840")
    assert float(data["EXTRACT_DEADLINE_SECONDS"]) < float(
        one(render(), "ConfigMap", "service-receiver")["data"]["EXTRACTOR_TIMEOUT_SECONDS"])
    # the notes warn when the receiver would give up first (terraform's extraction timeout may be lower)
    copy = tmp_path / "chart"
    assert "extractDeadlineSeconds" not in render_notes(copy)
    assert "extractDeadlineSeconds (840) is not under" in render_notes(
        copy, "--set", "service-receiver.config.extractorTimeoutSeconds=600")


def test_the_secrets_template_keeps_the_live_token(tmp_path, helm_template):
    """`helm template` has no cluster, so lookup finds nothing there. What can be checked: the template looks the
    Secret up by the name the pods use, and with a live Secret in place of the lookup (the lookup call replaced by its
    result in a copy of the chart) it renders the live value, not a new one; without the key, a new one."""
    text = SECRETS_TEMPLATE.read_text()
    lookup = '(lookup "v1" "Secret" $.Release.Namespace $name)'
    assert text.count(lookup) == 1 and 'get $live $key | default (randAlphaNum 43 | b64enc)' in text
    assert '$name := include "common.credentials.secretName" $ref' in text
    live = base64.b64encode(b"kept-token-0123456789abcdefghijklmnop,older-token-0123456789abcdef").decode()
    for data, kept in ((f'(dict "token" "{live}")', True), ('(dict "other" "eA==")', False)):
        copy = tmp_path / ("kept" if kept else "fresh")
        shutil.copytree(CHART, copy, ignore=shutil.ignore_patterns("tests", "ci", "__pycache__"))
        (copy / "templates" / "secrets.yaml").write_text(text.replace(lookup, f'(dict "data" {data})'))
        secrets = secrets_by_name(yaml.safe_load_all(helm_template(chart=copy)))
        assert len(secrets) == 3
        for secret in secrets.values():
            if kept:
                assert secret["data"]["token"] == live  # as it is, with the second token of a rotation
            else:
                assert GENERATED_TOKEN.fullmatch(decoded(secret))


def test_config_change_rolls_the_pods(render):
    for sub, setting in (("service-receiver", "config.waitSeconds=10"),
                         ("service-log-extractor", "gunicorn.threads=2"),
                         ("service-log-extractor", "config.logsBuckets={log-analysis-logs-123456789012}"),
                         ("service-result-storage", "config.publicRead=true"),
                         ("service-result-storage", "config.resultTtlDays=7")):
        before = pod_template(one(render(), "Deployment", sub))["metadata"]["annotations"]["checksum/config"]
        changed = render("--set", f"{sub}.{setting}")
        after = pod_template(one(changed, "Deployment", sub))["metadata"]["annotations"]["checksum/config"]
        assert before != after, sub


# -- how the parts refer to each other ---------------------------------------------------------------------------

@pytest.mark.parametrize("rendering", RENDERINGS)
def test_services_pdbs_and_spread_select_their_own_pods(rendering, render):
    docs = render(*RENDERINGS[rendering])
    for sub in SUBCHARTS:
        labels = pod_template(one(docs, "Deployment", sub))["metadata"]["labels"]
        svc = one(docs, "Service", sub)
        assert svc["spec"]["type"] == "ClusterIP"
        assert matches({"matchLabels": svc["spec"]["selector"]}, labels)
        assert matches(one(docs, "PodDisruptionBudget", sub)["spec"]["selector"], labels)
        spread = pod_template(one(docs, "Deployment", sub))["spec"]["topologySpreadConstraints"]
        assert {c["topologyKey"] for c in spread} == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
        for c in spread:
            assert matches(c["labelSelector"], labels)
        # other workloads (the retry-mail CronJob) must not become endpoints of the Service
        for d in workloads(docs):
            if d["kind"] != "Deployment":
                assert not matches({"matchLabels": svc["spec"]["selector"]}, pod_template(d)["metadata"]["labels"])


def test_pdb_defaults_keep_node_drains_possible(render):
    for sub in SUBCHARTS:
        spec = one(render(), "PodDisruptionBudget", sub)["spec"]
        assert spec["maxUnavailable"] == 1 and "minAvailable" not in spec, (sub, spec)
    spec = one(render(*FULL), "PodDisruptionBudget", "service-log-extractor")["spec"]
    assert spec["minAvailable"] == 1 and "maxUnavailable" not in spec


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_probes_resources_and_prometheus_annotations(rendering, render):
    docs = render(*RENDERINGS[rendering])
    for d in find(docs, "Deployment"):
        tmpl = pod_template(d)
        c = tmpl["spec"]["containers"][0]
        assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert set(c["resources"]) == {"requests", "limits"}
        ann = tmpl["metadata"]["annotations"]
        assert ann["prometheus.io/scrape"] == "true" and ann["prometheus.io/path"] == "/metrics"
        assert ann["prometheus.io/port"] == str(c["ports"][0]["containerPort"])
        assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"]
        # and the service serves what the kubelet and Prometheus ask for
        routes = served_paths(chart_of(d))
        for path in (c["livenessProbe"]["httpGet"]["path"], c["readinessProbe"]["httpGet"]["path"],
                     ann["prometheus.io/path"]):
            assert path in routes, (chart_of(d), path, routes)


def served_paths(service: str) -> set[str]:
    """GET routes declared in the service's code (`@bp.get("/x")`, `@app.route("/x")`, ...)."""
    code = "\n".join(p.read_text() for p in (REPO / service / "app").rglob("*.py"))
    return set(re.findall(r"""\.(?:get|route)\(\s*["'](/[^"']*)["']""", code))


def test_receiver_grace_period_covers_its_drain(render):
    for args, grace, wait in ((DEFAULTS, 30, 20), (FULL, 45, 20)):
        d = one(render(*args), "Deployment", "service-receiver")
        assert pod_template(d)["spec"]["terminationGracePeriodSeconds"] == grace + wait + 10
    fixed = one(render("--set", "service-receiver.terminationGracePeriodSeconds=200"), "Deployment",
                "service-receiver")
    assert pod_template(fixed)["spec"]["terminationGracePeriodSeconds"] == 200
    for sub in ("service-log-extractor", "service-result-storage"):
        d = one(render(), "Deployment", sub)
        cm = one(render(), "ConfigMap", sub)
        assert pod_template(d)["spec"]["terminationGracePeriodSeconds"] > int(
            cm["data"]["GUNICORN_GRACEFUL_TIMEOUT_SECONDS"])


def test_gunicorn_settings_follow_the_container_port_and_per_service_defaults(render):
    for sub, threads, timeout in (("service-log-extractor", "4", "900"), ("service-result-storage", "8", "30")):
        data = one(render(), "ConfigMap", sub)["data"]
        assert data["GUNICORN_BIND"] == "0.0.0.0:8080"
        assert (data["GUNICORN_WORKERS"], data["GUNICORN_THREADS"], data["GUNICORN_TIMEOUT_SECONDS"]) == (
            "2", threads, timeout)
        moved = one(render("--set", f"{sub}.containerPort=9090"), "ConfigMap", sub)["data"]
        assert moved["GUNICORN_BIND"] == "0.0.0.0:9090"
        # the workers' metric files must be writable: under a mounted emptyDir (the root filesystem is read-only)
        container = pod_template(one(render(), "Deployment", sub))["spec"]["containers"][0]
        mounts = [m["mountPath"].rstrip("/") + "/" for m in container["volumeMounts"]]
        assert any(data["PROMETHEUS_MULTIPROC_DIR"].startswith(m) for m in mounts), data["PROMETHEUS_MULTIPROC_DIR"]


def test_keda_scales_the_receiver_on_its_queue_and_replaces_the_hpa(render):
    docs = render(*FULL)
    values = yaml.safe_load(FULL_VALUES.read_text())
    so = one(docs, "ScaledObject", "service-receiver")
    auth = one(docs, "TriggerAuthentication", "service-receiver")
    deploy = one(docs, "Deployment", "service-receiver")
    cm = one(docs, "ConfigMap", "service-receiver")
    assert so["spec"]["scaleTargetRef"]["name"] == deploy["metadata"]["name"]
    (trigger,) = so["spec"]["triggers"]
    assert trigger["type"] == "aws-sqs-queue"
    assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
    assert trigger["metadata"]["queueURL"] == cm["data"]["QUEUE_URL"]
    assert trigger["metadata"]["awsRegion"] == cm["data"]["AWS_DEFAULT_REGION"] == values["global"]["region"]
    assert trigger["metadata"]["awsEndpoint"] == cm["data"]["AWS_ENDPOINT_URL"]
    assert trigger["metadata"]["queueLength"] == cm["data"]["RECEIVER_CONCURRENCY"]
    assert auth["spec"]["podIdentity"] == {"provider": "aws", "identityOwner": "workload"}
    assert "replicas" not in deploy["spec"], "KEDA owns the replica count"
    assert not find(docs, "HorizontalPodAutoscaler", "service-receiver"), "KEDA's HPA only, not the chart's"
    # KEDA off, the HPA fallback on
    fallback = render("--set", "service-receiver.autoscaling.enabled=true")
    hpa = one(fallback, "HorizontalPodAutoscaler", "service-receiver")
    assert hpa["spec"]["scaleTargetRef"]["name"] == deploy["metadata"]["name"]
    assert not find(fallback, "ScaledObject")
    assert "replicas" not in one(fallback, "Deployment", "service-receiver")["spec"]
    own_role = render(*FULL, "--set",
                      "service-receiver.keda.podIdentity.roleArn=arn:aws:iam::123456789012:role/keda")
    assert one(own_role, "TriggerAuthentication", "service-receiver")["spec"]["podIdentity"] == {
        "provider": "aws", "roleArn": "arn:aws:iam::123456789012:role/keda"}


def test_hpas_for_extractor_and_storage(render):
    assert not find(render(), "HorizontalPodAutoscaler"), "autoscaling is off by default"
    docs = render(*FULL)
    for sub in ("service-log-extractor", "service-result-storage"):
        hpa = one(docs, "HorizontalPodAutoscaler", sub)
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                 "name": one(docs, "Deployment", sub)["metadata"]["name"]}
        assert "cpu" in {m["resource"]["name"] for m in hpa["spec"]["metrics"]}
        assert "replicas" not in one(docs, "Deployment", sub)["spec"]


def ingress_peers(policy: dict) -> list[dict]:
    peers = []
    for rule in policy["spec"].get("ingress") or []:
        assert rule.get("from"), f"{policy['metadata']['name']}: an ingress rule without `from` admits everyone"
        peers.extend(rule["from"])
    return peers


def pods_of(docs, sub: str) -> dict:
    return pod_template(one(docs, "Deployment", sub))["metadata"]["labels"]


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_network_policies(rendering, render):
    docs = render(*RENDERINGS[rendering])
    receiver, extractor, storage = (pods_of(docs, sub) for sub in SUBCHARTS)
    policies = {sub: one(docs, "NetworkPolicy", sub) for sub in SUBCHARTS if sub != "service-result-storage"}
    storage_policies = find(docs, "NetworkPolicy", "service-result-storage")
    (policies["service-result-storage"],) = [p for p in storage_policies if matches(p["spec"]["podSelector"], storage)]
    for sub, labels in zip(SUBCHARTS, (receiver, extractor, storage)):
        assert matches(policies[sub]["spec"]["podSelector"], labels)
        assert "Ingress" in policies[sub]["spec"]["policyTypes"]
    same_ns = [p for p in ingress_peers(policies["service-log-extractor"]) if set(p) == {"podSelector"}]
    # the extractor: the receiver's pods and nothing else of the namespace
    assert [matches(p["podSelector"], receiver) for p in same_ns] == [True]
    # storage: the extractor's pods (write path) and the readers
    storage_peers = ingress_peers(policies["service-result-storage"])
    assert any(set(p) == {"podSelector"} and matches(p["podSelector"], extractor) for p in storage_peers)
    assert not any(set(p) == {"podSelector"} and matches(p["podSelector"], receiver) for p in storage_peers)
    # the receiver serves no API: at most the metrics scraper, from another namespace
    assert all("namespaceSelector" in p for p in ingress_peers(policies["service-receiver"]))
    for peers in map(ingress_peers, policies.values()):
        assert all(p.get("podSelector") != {} or p.get("namespaceSelector") for p in peers), "no open peer"
    egress_on = rendering == "full-values"
    for policy in policies.values():
        assert ("Egress" in policy["spec"]["policyTypes"]) == egress_on
        if egress_on:
            ports = {(p.get("port"), p.get("protocol")) for r in policy["spec"]["egress"] for p in r.get("ports", [])}
            assert {(53, "UDP"), (53, "TCP"), (443, "TCP")} <= ports
    if egress_on:
        to_extractor = [peer for r in policies["service-receiver"]["spec"]["egress"] for peer in r["to"]
                        if "podSelector" in peer and matches(peer["podSelector"], extractor)]
        to_storage = [peer for r in policies["service-log-extractor"]["spec"]["egress"] for peer in r["to"]
                      if "podSelector" in peer and matches(peer["podSelector"], storage)]
        assert to_extractor and to_storage
        readers = yaml.safe_load(FULL_VALUES.read_text())["service-result-storage"]["networkPolicy"]["readers"]
        assert any(p.get("namespaceSelector") == readers["namespaceSelector"] for p in storage_peers)
    # every pod of every workload is selected by some policy
    for d in workloads(docs):
        labels = pod_template(d)["metadata"]["labels"]
        assert any(matches(p["spec"]["podSelector"], labels) for p in find(docs, "NetworkPolicy")), d["metadata"]


def test_retry_mail_cronjob_only_when_mail_is_configured(render):
    assert not find(render(), "CronJob"), "no SES configured by default: retry_mail would exit 2"
    assert not find(render("--set", "service-result-storage.config.sesSender=a@b.c"), "CronJob")
    docs = render(*FULL)
    cron = one(docs, "CronJob", "service-result-storage")
    deploy = one(docs, "Deployment", "service-result-storage")
    spec = pod_template(cron)["spec"]
    (c,) = spec["containers"]
    assert c["command"][:3] == ["python", "-m", "app.retry_mail"] and c["command"][3] == "--max"
    assert c["envFrom"] == pod_template(deploy)["spec"]["containers"][0]["envFrom"]
    assert spec["serviceAccountName"] == pod_template(deploy)["spec"]["serviceAccountName"]
    assert spec["restartPolicy"] == "Never"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    off = render(*FULL, "--set", "service-result-storage.retryMail.enabled=false")
    assert not find(off, "CronJob")


def test_values_from_terraform_render(tmp_path, render, helm_values):
    """A values file as `make helm-values` writes it (terraform/scripts/helm_values.py) lands where the pods read."""
    outputs = {name: {"value": f"v-{name}"} for name in [*helm_values.MAPPING.values(), *helm_values.OPTIONAL.values()]}
    outputs["region"] = {"value": "eu-central-1"}
    outputs["queue_url"] = {"value": "https://sqs.eu-central-1.amazonaws.com/123456789012/jobs.fifo"}
    # outputs of other types than string get values of their type: the charts' values.schema.json checks them
    outputs["extraction_timeout_seconds"] = {"value": 660}
    outputs["extract_deadline_seconds"] = {"value": 600}
    outputs["extract_max_bytes"] = {"value": 107374182400}
    outputs["keda_role_arn"] = {"value": "arn:aws:iam::123456789012:role/keda"}
    outputs["logs_bucket"] = {"value": "log-analysis-logs-123456789012"}  # a bucket name (the schema checks it)
    for role in ("receiver", "extractor", "storage"):
        outputs[f"{role}_role_arn"] = {"value": f"arn:aws:iam::123456789012:role/{role}"}
        outputs[f"{role}_service_account"] = {"value": f"v-{role}-service-account"}  # a Kubernetes name
    values = tmp_path / "helm-values.json"
    values.write_text(json.dumps(helm_values.helm_values(outputs)))
    docs = render("-f", str(values), "--set", "global.imageRegistry=123456789012.dkr.ecr.eu-central-1.amazonaws.com")
    assert one(docs, "ConfigMap", "service-receiver")["data"]["QUEUE_URL"] == outputs["queue_url"]["value"]
    assert one(docs, "ConfigMap", "service-result-storage")["data"]["RESULTS_TABLE"] == "v-results_table"
    # the extractor reads terraform's logs bucket and no other; by default none
    default_docs = render()
    assert one(docs, "ConfigMap", "service-log-extractor")["data"]["LOGS_BUCKETS"] == "log-analysis-logs-123456789012"
    assert one(default_docs, "ConfigMap", "service-log-extractor")["data"]["LOGS_BUCKETS"] == ""
    # its bounds per object come from terraform too: the deadline under the receiver's timeout
    extractor = one(docs, "ConfigMap", "service-log-extractor")["data"]
    assert (extractor["EXTRACT_DEADLINE_SECONDS"], extractor["EXTRACT_MAX_BYTES"]) == ("600", "107374182400")
    assert one(docs, "ConfigMap", "service-receiver")["data"]["EXTRACTOR_TIMEOUT_SECONDS"] == "660"
    tf_variables = (REPO / "terraform" / "variables.tf").read_text()

    def tf_default(variable: str) -> str:
        m = re.search(r'variable "%s" \{.*?default\s*=\s*"([^"]*)"' % variable, tf_variables, re.S)
        assert m, variable
        return m.group(1)

    assert NAMESPACE == tf_default("namespace"), "README installs into terraform's default namespace"
    for sub, role in zip(SUBCHARTS, ("receiver", "extractor", "storage")):
        assert one(docs, "ConfigMap", sub)["data"]["AWS_DEFAULT_REGION"] == "eu-central-1"
        sa = one(docs, "ServiceAccount", sub)
        # the IRSA role trusts system:serviceaccount:<var.namespace>:<var.<role>_service_account> only: the values
        # file carries the name terraform outputs, and without it the chart's default is terraform's default
        assert sa["metadata"]["name"] == outputs[f"{role}_service_account"]["value"], sub
        assert one(default_docs, "ServiceAccount", sub)["metadata"]["name"] == tf_default(f"{role}_service_account")
        assert sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == f"arn:aws:iam::123456789012:role/{role}"
        image = pod_template(one(docs, "Deployment", sub))["spec"]["containers"][0]["image"]
        assert image.startswith("123456789012.dkr.ecr.eu-central-1.amazonaws.com/log-analysis/")


@pytest.fixture(scope="module")
def render_notes(helm_template):
    """render_notes(copy, *args): NOTES.txt is rendered only by install/upgrade; here it is rendered through a
    ConfigMap in a copy of the chart (made at `copy` if not there yet)."""
    def render_notes(copy: Path, *args: str) -> str:
        if not copy.exists():
            shutil.copytree(CHART, copy, ignore=shutil.ignore_patterns("tests", "ci", "__pycache__"))
            (copy / "templates" / "NOTES.txt").rename(copy / "NOTES.tpl")
            (copy / "templates" / "notes-under-test.yaml").write_text(
                'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  NOTES: |\n'
                '{{ tpl (.Files.Get "NOTES.tpl") . | indent 4 }}\n')
        out = helm_template("--show-only", "templates/notes-under-test.yaml", *args, chart=copy)
        return yaml.safe_load(out)["data"]["NOTES"]

    return render_notes


def test_notes_say_how_to_read_results(tmp_path, render_notes):
    copy = tmp_path / "chart"
    notes = render_notes(copy)
    assert f"kubectl --namespace {NAMESPACE} port-forward svc/{RELEASE}-service-result-storage 8080:8080" in notes
    # the reader token from its Secret (the first of a rotation's comma-separated tokens), sent as a bearer token
    assert (f"TOKEN=$(kubectl get secret {default_secret('resultsReadToken')} -n {NAMESPACE} "
            "-o jsonpath='{.data.token}' | base64 -d | cut -d, -f1)") in notes
    assert ("curl -sG -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8080/results "
            "--data-urlencode 'key=<object key>'") in notes
    assert "L4" in notes and "NetworkPolicies" in notes
    assert "curl -s -H \"Authorization: Bearer $TOKEN\" 'http://127.0.0.1:8080/groups?min_level=ERROR'" in notes
    assert 'http://127.0.0.1:8080/ui/?token=$TOKEN' in notes
    assert "service-log-extractor.config.logsBuckets is empty" in notes
    # an existing Secret of the reader token (a key with a dot is escaped for jsonpath)
    own = render_notes(copy, "--set", "global.credentials.resultsReadToken.existingSecret=readers",
                       "--set", "global.credentials.resultsReadToken.key=read.token")
    assert f"kubectl get secret readers -n {NAMESPACE} -o jsonpath='{{.data.read\\.token}}'" in own
    # public reads: no token to read, and the notes say so
    public = render_notes(copy, "--set", "service-result-storage.config.publicRead=true",
                          "--set", "service-log-extractor.config.logsBuckets={log-analysis-logs-123456789012}")
    assert "TOKEN" not in public and "reads need no token" in public
    assert "curl -sG http://127.0.0.1:8080/results --data-urlencode 'key=<object key>'" in public
    assert "logsBuckets is empty" not in public


# -- values.yaml: every value documented (helm-docs `# --` comments) ---------------------------------------------

VALUES_KEY = re.compile(r"^(\s*)([A-Za-z0-9_./-]+|\"[^\"]+\")\s*:(.*)$")


def undocumented_values(text: str) -> list[str]:
    """Keys with neither a `# --` comment of their own nor a documented ancestor. A key whose value is a block of
    further keys is a section: it needs no comment, its keys do."""
    lines = text.splitlines()
    stack: list[tuple[int, str, bool]] = []  # (indent, key, documented)
    missing = []
    for i, line in enumerate(lines):
        m = VALUES_KEY.match(line)
        if not m:
            continue  # comments, blank lines, list items
        indent, key, rest = len(m.group(1)), m.group(2), m.group(3).strip()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        j, documented = i - 1, False
        while j >= 0 and lines[j].strip().startswith("#"):
            documented |= lines[j].strip().startswith("# --")
            j -= 1
        k = i + 1
        while k < len(lines) and (not lines[k].strip() or lines[k].strip().startswith("#")):
            k += 1
        child = VALUES_KEY.match(lines[k]) if k < len(lines) else None
        section = rest == "" and child is not None and len(child.group(1)) > indent
        if not (section or documented or any(d for _, _, d in stack)):
            missing.append(".".join([s[1] for s in stack] + [key]))
        stack.append((indent, key, documented))
    return missing


def test_every_value_is_documented():
    files = [CHART / "values.yaml", *(CHART / "charts" / sub / "values.yaml" for sub in SUBCHARTS)]
    missing = {str(f.relative_to(REPO)): undocumented_values(f.read_text()) for f in files}
    assert not {f: keys for f, keys in missing.items() if keys}, missing
    assert undocumented_values("a:\n  # -- b\n  b: 1\n  c: 2\n# -- d\nd:\n  e: 1\n") == ["a.c"]


@pytest.mark.parametrize("first,second", [("resultsReadToken", "resultsWriteToken"),
                                          ("extractorToken", "resultsWriteToken")])
def test_one_secret_key_for_two_credentials_is_refused(first, second, render, helm_binary):
    """A pod that takes two credentials from the same Secret key would refuse to start; the chart says so first."""
    args = ["--set", f"global.credentials.{first}.existingSecret=shared",
            "--set", f"global.credentials.{second}.existingSecret=shared"]
    bad = subprocess.run([helm_binary, "template", RELEASE, str(CHART), *args], capture_output=True, text=True)
    assert bad.returncode != 0 and "each credential needs its own token" in bad.stderr, bad.stderr
    other_key = [*args, "--set", f"global.credentials.{second}.key=other"]
    assert render(*other_key)  # the same Secret with another key is fine
