{{/*
common.image: [registry/]repository@digest when image.digest is set, else [registry/]repository:tag with the tag
defaulting to the chart appVersion (never "latest"). The registry is image.registry, else global.imageRegistry.
*/}}
{{- define "common.image" -}}
{{- $registry := .Values.image.registry | default .Values.global.imageRegistry -}}
{{- $repository := .Values.image.repository -}}
{{- if $registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $registry) .Values.image.repository -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- if not (regexMatch "^sha256:[0-9a-f]{64}$" .Values.image.digest) -}}
{{- fail (printf "image.digest must look like sha256:<64 hex digits>, got %q" .Values.image.digest) -}}
{{- end -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}
{{- end }}

{{/*
common.imagePullPolicy: image.pullPolicy, else IfNotPresent for an image pinned by digest and Always for a tag (a tag
pushed again is picked up; the registry is asked only for the manifest).
*/}}
{{- define "common.imagePullPolicy" -}}
{{- .Values.image.pullPolicy | default (ternary "IfNotPresent" "Always" (not (empty .Values.image.digest))) -}}
{{- end }}

{{/*
common.checkovAnnotations: annotations of the checkov scan (make helm-check) for workloads: without a digest the
image is pinned by tag only, which CKV_K8S_43 flags.
*/}}
{{- define "common.checkovAnnotations" -}}
{{- if not .Values.image.digest -}}
checkov.io/skip1: CKV_K8S_43=pinned by tag by default (the digest exists only once the image is pushed); set image.digest to pin it
{{- end -}}
{{- end }}
