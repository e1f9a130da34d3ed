{{/*
Expand the name of the chart.
*/}}
{{- define "service-result-storage.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
We truncate at 63 chars because some Kubernetes name fields are limited to this (by the DNS naming spec).
If release name contains chart name it will be used as a full name.
*/}}
{{- define "service-result-storage.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Create chart name and version as used by the chart label.
*/}}
{{- define "service-result-storage.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels
*/}}
{{- define "service-result-storage.labels" -}}
helm.sh/chart: {{ include "service-result-storage.chart" . }}
{{ include "service-result-storage.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: storage
app.kubernetes.io/part-of: log-analysis
{{- end }}

{{/*
Selector labels
*/}}
{{- define "service-result-storage.selectorLabels" -}}
app.kubernetes.io/name: {{ include "service-result-storage.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Create the name of the service account to use
*/}}
{{- define "service-result-storage.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "service-result-storage.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Container image: [registry/]repository@digest when image.digest is set, else [registry/]repository:tag with the tag
defaulting to the chart appVersion (never "latest").
*/}}
{{- define "service-result-storage.image" -}}
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
Image pull policy: image.pullPolicy, else IfNotPresent for an image pinned by digest and Always for a tag (a tag
pushed again is picked up; the registry is asked only for the manifest).
*/}}
{{- define "service-result-storage.imagePullPolicy" -}}
{{- .Values.image.pullPolicy | default (ternary "IfNotPresent" "Always" (not (empty .Values.image.digest))) -}}
{{- end }}

{{/*
Pod annotations of the checkov scan: without a digest the image is pinned by tag only, which CKV_K8S_43 flags.
*/}}
{{- define "service-result-storage.checkovAnnotations" -}}
{{- if not .Values.image.digest -}}
checkov.io/skip1: CKV_K8S_43=pinned by tag by default (the digest exists only once the image is pushed); set image.digest to pin it
{{- end -}}
{{- end }}

{{/*
Topology spread constraints: topologySpreadConstraints (templated) if set, else one ScheduleAnyway constraint per
topologySpread.topologyKeys entry over this chart's pods of the same ReplicaSet.
*/}}
{{- define "service-result-storage.topologySpreadConstraints" -}}
{{- if .Values.topologySpreadConstraints -}}
{{- tpl (toYaml .Values.topologySpreadConstraints) . -}}
{{- else if .Values.topologySpread.enabled -}}
{{- range .Values.topologySpread.topologyKeys }}
- maxSkew: {{ $.Values.topologySpread.maxSkew }}
  topologyKey: {{ . }}
  whenUnsatisfiable: {{ $.Values.topologySpread.whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "service-result-storage.selectorLabels" $ | nindent 6 }}
  matchLabelKeys:
    - pod-template-hash
{{- end }}
{{- end -}}
{{- end }}


{{/*
Seconds between SIGTERM and SIGKILL: terminationGracePeriodSeconds, else gunicorn's graceful timeout (requests in
progress get that long after SIGTERM) plus terminationGraceMarginSeconds.
*/}}
{{- define "service-result-storage.terminationGracePeriodSeconds" -}}
{{- if and (not (kindIs "invalid" .Values.terminationGracePeriodSeconds)) (ne (toString .Values.terminationGracePeriodSeconds) "") -}}
{{- .Values.terminationGracePeriodSeconds -}}
{{- else -}}
{{- add (ceil .Values.gunicorn.gracefulTimeoutSeconds | int) (int .Values.terminationGraceMarginSeconds) -}}
{{- end -}}
{{- end }}

{{/*
Labels of the extractor pods of this release (matchLabels), as the service-log-extractor subchart sets them.
*/}}
{{- define "service-result-storage.extractorPodLabels" -}}
{{- if .Values.networkPolicy.extractorPodLabels -}}
{{- toYaml .Values.networkPolicy.extractorPodLabels -}}
{{- else -}}
app.kubernetes.io/name: service-log-extractor
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- end }}

{{/*
The retry-mail CronJob: rendered when retryMail.enabled and mail is configured (python -m app.retry_mail exits 2
without SES_SENDER and SES_RECIPIENTS). Its pods get a name of their own, so the Service never selects them.
*/}}
{{- define "service-result-storage.retryMailEnabled" -}}
{{- if and .Values.retryMail.enabled .Values.config.sesSender .Values.config.sesRecipients -}}
true
{{- end -}}
{{- end }}

{{- define "service-result-storage.retryMailFullname" -}}
{{- printf "%s-retry-mail" (include "service-result-storage.fullname" . | trunc 52 | trimSuffix "-") -}}
{{- end }}

{{- define "service-result-storage.retryMailSelectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-retry-mail" (include "service-result-storage.name" . | trunc 52 | trimSuffix "-") }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "service-result-storage.retryMailLabels" -}}
helm.sh/chart: {{ include "service-result-storage.chart" . }}
{{ include "service-result-storage.retryMailSelectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: retry-mail
app.kubernetes.io/part-of: log-analysis
{{- end }}

{{/*
Egress rules of storage's pods (server and retry-mail): the cluster DNS, HTTPS to AWS, networkPolicy.egress.extra.
*/}}
{{- define "service-result-storage.egressRules" -}}
{{- $np := .Values.networkPolicy -}}
# the cluster DNS
- to:
    - namespaceSelector:
        {{- toYaml $np.egress.dns.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml $np.egress.dns.podSelector | nindent 8 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
# AWS APIs over HTTPS: DynamoDB, SES, STS (IRSA)
- to:
    {{- range $np.egress.awsCidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  ports:
    - port: 443
      protocol: TCP
{{- with $np.egress.extra }}
{{ toYaml . }}
{{- end }}
{{- end }}
