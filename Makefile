# log-analysis-app: the targets of ../shared/CONTRACTS.md. Everything runs from the repo's own .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
REQUIREMENTS := service-receiver/app/requirements.txt service-log-extractor/app/requirements.txt \
                service-result-storage/app/requirements.txt requirements-dev.txt
CONTRACT_CHECK := ../shared/checks/contract.py
TOOLS := .venv-tools
# hashicorp/aws from a local filesystem mirror: nothing is fetched from the registry
TF_PLUGIN_DIR ?= /opt/tf-plugins
HELM := $(TOOLS)/bin/helm
# The Kubernetes version the rendered charts are validated against (EKS's current one).
KUBE_VERSION := 1.33.0
CORE_STAMP := service-log-extractor/build/.core-built

.PHONY: install up down demo test unit-test stack-test browser terraform-check infra-check container-check helm-check contract-check bench lambda-zip helm-values clean

install: $(VENV)/.installed $(CORE_STAMP)

# The extractor's compiled core (service-log-extractor/app/_c_*.c, C through the CPython API), built in place from
# source with gcc and the Python headers.
# setuptools compares timestamps itself, so this runs on every `make install` (a no-op in ~0.5 s when nothing
# changed) and puts back a deleted module.
.PHONY: $(CORE_STAMP)
# The services' bytecode is compiled here too: PYTHONDONTWRITEBYTECODE (set in the images and on CI machines) stops
# Python from caching it at run time, and each CLI run or scan worker would compile the modules again (~0.07 s).
$(CORE_STAMP): $(VENV)/.installed
	cd service-log-extractor && $(PY) setup.py -q build_ext --inplace
	$(PY) -m compileall -q service-receiver/app service-log-extractor/app service-result-storage/app
	touch $@

# Re-installs only when a requirements file changed; the stamp makes `make install` idempotent and cheap.
$(VENV)/.installed: $(REQUIREMENTS)
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --disable-pip-version-check -q --upgrade pip
	$(VENV)/bin/python -m pip install --disable-pip-version-check -q $(addprefix -r ,$(REQUIREMENTS))
	touch $@

$(TOOLS)/.installed: requirements-tools.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --disable-pip-version-check -q -r requirements-tools.txt
	touch $@

# helm 3.18, pinned and sha256-checked (the script does nothing when the right binary is already there).
$(HELM): scripts/install_helm.sh | $(TOOLS)/.installed
	scripts/install_helm.sh $@

up: install
	$(PY) -m devstack up

down:
	@if [ -x $(PY) ]; then $(PY) -m devstack down; else echo "nothing to stop (no .venv)"; fi

demo: install
	$(PY) -m devstack demo

# Each service has its own package named `app`, so each suite runs in its own pytest process.
unit-test: install
	cd lib/service-kit && $(PY) -m pytest -q
	cd service-receiver && $(PY) -m pytest -q
	cd service-log-extractor && $(PY) -m pytest -q
	cd service-result-storage && $(PY) -m pytest -q
	cd terraform/lambda && $(PY) -m pytest -q
	cd terraform/scripts && $(PY) -m pytest -q
	cd bench && $(PY) -m pytest -q test_realistic.py

# The web view's browser tests (tests/test_ui_browser.py) drive Debian's headless Chromium and its driver.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q chromium chromium-driver; fi

stack-test: install browser
	$(PY) -m pytest -q tests

# The outside contract checks live beside the repo (../shared); CI has them, a bare clone may not.
contract-check: install
	@if [ -f $(CONTRACT_CHECK) ]; then python3 $(CONTRACT_CHECK); else echo "skip: $(CONTRACT_CHECK) not present"; fi

# terraform fmt, then init (no backend, provider from the mirror; no CLI config needed: /dev/null) and validate of the whole stack, EKS included.
terraform-check:
	TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive -diff terraform
	TF_CLI_CONFIG_FILE=/dev/null terraform -chdir=terraform init -backend=false -input=false -no-color -plugin-dir=$(TF_PLUGIN_DIR) >/dev/null
	TF_CLI_CONFIG_FILE=/dev/null terraform -chdir=terraform validate -no-color

# checkov on terraform/: zero failed checks; the skipped ones carry their reason inline (#checkov:skip=...).
infra-check: $(TOOLS)/.installed
	$(TOOLS)/bin/checkov -d terraform --framework terraform --skip-download --compact --quiet

# hadolint on the three Dockerfiles: any finding, down to style, fails; an ignored rule carries its reason inline.
container-check: $(TOOLS)/.installed
	$(TOOLS)/bin/hadolint --no-color --failure-threshold style service-receiver/Dockerfile \
	  service-log-extractor/Dockerfile service-result-storage/Dockerfile


# The charts: helm lint (umbrella with default and full values, each service chart); the rendered manifests
# (defaults, helm/ci/full-values.yaml) against Kubernetes $(KUBE_VERSION) with kubernetes-validate --strict, the KEDA
# resources against helm/ci/crd-schemas.yaml, empty output failing; checkov with zero failed checks (skips carry
# their reason in the templates' checkov.io/skip annotations); then helm/tests: Pod Security Standard "restricted",
# the env each chart sets == the env its service reads, selectors and policies that fit together.
# checkov renders the charts with the helm it finds on PATH and passes silently without one, hence the test -x. It
# skips the library chart (renders nothing), and the service charts alone with full-values.yaml (the umbrella's
# values, which their values.schema.json rejects; the umbrella renders them with it).
helm-check: install $(TOOLS)/.installed $(HELM)
	$(HELM) lint --strict --kube-version $(KUBE_VERSION) helm
	$(HELM) lint --strict --kube-version $(KUBE_VERSION) helm -f helm/ci/full-values.yaml
	for chart in helm/charts/*/; do $(HELM) lint --strict --kube-version $(KUBE_VERSION) $$chart || exit 1; done
	set -o pipefail; $(HELM) template log-analysis helm --namespace log-analysis --kube-version $(KUBE_VERSION) \
	  | $(TOOLS)/bin/python helm/ci/validate_manifests.py --kubernetes-version $(KUBE_VERSION) --name defaults \
	      --expect Deployment=3 --expect NetworkPolicy=3
	set -o pipefail; $(HELM) template log-analysis helm --namespace log-analysis --kube-version $(KUBE_VERSION) \
	      -f helm/ci/full-values.yaml \
	  | $(TOOLS)/bin/python helm/ci/validate_manifests.py --kubernetes-version $(KUBE_VERSION) --name full-values \
	      --expect Deployment=3 --expect CronJob=1 --expect ScaledObject=1 --expect TriggerAuthentication=1 \
	      --expect HorizontalPodAutoscaler=2
	test -x $(HELM)
	for values in "--skip-path helm/charts/common" "--var-file helm/ci/full-values.yaml --skip-path helm/charts"; do \
	  out=$$(PATH="$(CURDIR)/$(TOOLS)/bin:$$PATH" HELM_NAMESPACE=log-analysis $(TOOLS)/bin/checkov -d helm \
	        --framework helm --skip-download --compact --quiet $$values); rc=$$?; echo "$$out"; \
	  [ $$rc -eq 0 ] || exit $$rc; \
	  echo "$$out" | grep -Eq "Passed checks: [1-9][0-9]*, Failed checks: 0," || { echo "checkov checked nothing"; exit 1; }; \
	done
	HELM=$(CURDIR)/$(HELM) $(PY) -m pytest -q helm/tests


test: unit-test stack-test terraform-check infra-check container-check helm-check contract-check

lambda-zip: install
	$(PY) terraform/scripts/build_lambda_zip.py

# After `terraform apply`: the values `helm install -f` needs (region, queue, table, IRSA role ARNs and the service
# account names those roles trust).
helm-values: install
	mkdir -p terraform/build
	cd terraform && terraform output -json | $(PY) scripts/helm_values.py > build/helm-values.json
	@echo "helm install log-analysis ./helm -n $$(cd terraform && terraform output -raw namespace) --create-namespace -f terraform/build/helm-values.json --set global.imageRegistry=<registry>"

bench: install
	cd bench && $(PY) run.py && $(PY) grouping_vs_drain.py

clean: down
	rm -rf $(VENV) $(TOOLS) .local .pytest_cache service-log-extractor/build service-log-extractor/app/_c_*.so
