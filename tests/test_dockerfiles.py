"""The images build from the repository root: each Dockerfile copies only what its Dockerfile.dockerignore lets
into the build context, and every service image gets the shared kit. (No Docker engine here: this and hadolint,
`make container-check`, are what can be checked.)"""
import re

import pytest

SERVICES = ["service-receiver", "service-log-extractor", "service-result-storage"]


def _copies(dockerfile: str) -> list[str]:
    sources = []
    for line in dockerfile.splitlines():
        m = re.match(r"COPY\s+(?!--from)(.+)", line)
        if m:
            *srcs, _dest = m.group(1).split()
            sources += srcs
    return sources


def _allowed(ignore: str) -> list[str]:
    return [line[1:] for line in ignore.splitlines() if line.startswith("!")]


@pytest.mark.parametrize("service", SERVICES)
def test_every_copy_is_in_the_context_its_dockerignore_allows(root, service):
    dockerfile = (root / service / "Dockerfile").read_text()
    ignore = (root / service / "Dockerfile.dockerignore").read_text()
    rules = [line for line in ignore.splitlines() if line and not line.startswith("#")]
    assert rules[0] == "*"  # everything out, then only what the image needs back in
    allowed = _allowed(ignore)
    copies = _copies(dockerfile)
    assert f"{service}/app/" in copies and "lib/service-kit/" in copies
    for source in copies:
        assert (root / source).exists(), source
        assert any(source.startswith(a) for a in allowed), f"{service}: COPY {source} is not let in by {allowed}"
    assert not (root / service / ".dockerignore").exists()  # the root is the context: this file would be ignored


@pytest.mark.parametrize("service", SERVICES)
def test_the_kit_is_installed_after_the_pinned_requirements(root, service):
    dockerfile = (root / service / "Dockerfile").read_text()
    assert dockerfile.index("-r /tmp/requirements.txt") < dockerfile.index("pip install --no-cache-dir --no-deps /tmp/service-kit")


def test_the_extractor_image_builds_its_compiled_core_from_source(root):
    dockerfile = (root / "service-log-extractor" / "Dockerfile").read_text()
    builder, final = dockerfile.split("\nFROM python:3.11.14-slim\n")
    assert "FROM python:3.11.14 AS builder" in builder  # the full image: gcc and the Python headers
    assert "RUN python setup.py -q build_ext --inplace" in builder
    assert "COPY --from=builder /build/app/_c_*.so app/" in final
    # extension modules built on the host (another platform, perhaps) never reach the image
    assert "**/*.so" in (root / "service-log-extractor" / "Dockerfile.dockerignore").read_text().splitlines()
