{{/*
Pieces of a pod spec shared by the Deployments (common.deployment) and other workloads of a chart (the result
storage's retry-mail CronJob). Each takes the chart's root context and renders YAML starting at column 0, to be
placed with `nindent`.
*/}}

{{/*
common.pod.identity: image pull secrets, the ServiceAccount (no API token unless serviceAccount.automount) and the
pod security context.
*/}}
{{- define "common.pod.identity" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
serviceAccountName: {{ include "common.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automount }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/*
common.container.env: the container's environment: the chart's ConfigMap (named like the chart), then `env`: the
bearer tokens of `credentials` from their Secrets (common.credentials.env) and extraEnvVars.
  (dict "context" $ "credentials" (list "extractorToken"))      credentials optional: none for the retry-mail CronJob
*/}}
{{- define "common.container.env" -}}
{{- $ctx := .context -}}
{{- $env := include "common.credentials.env" . | trim -}}
envFrom:
  - configMapRef:
      name: {{ include "common.fullname" $ctx }}
{{- if or $env $ctx.Values.extraEnvVars }}
env:
  {{- with $env }}
  # bearer tokens, from their Secrets (never in the ConfigMap)
  {{- . | nindent 2 }}
  {{- end }}
  {{- with $ctx.Values.extraEnvVars }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
common.container.volumeMounts / common.pod.volumes: the root filesystem is read-only, so an emptyDir at /tmp
(tmpVolume.sizeLimit) is the only writable path; extraVolumeMounts and extraVolumes after it.
*/}}
{{- define "common.container.volumeMounts" -}}
volumeMounts:
  # the root filesystem is read-only; /tmp is the only writable path
  - name: tmp
    mountPath: /tmp
  {{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{- define "common.pod.volumes" -}}
volumes:
  - name: tmp
    {{- with .Values.tmpVolume.sizeLimit }}
    emptyDir:
      sizeLimit: {{ . }}
    {{- else }}
    emptyDir: {}
    {{- end }}
  {{- with .Values.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/*
common.pod.scheduling: nodeSelector, affinity and tolerations, each only when set; may render nothing.
*/}}
{{- define "common.pod.scheduling" -}}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
common.topologySpreadConstraints: topologySpreadConstraints (templated) if set, else, with topologySpread.enabled,
one constraint per topologySpread.topologyKeys entry over this chart's pods of the same ReplicaSet
(pod-template-hash). May render nothing.
*/}}
{{- define "common.topologySpreadConstraints" -}}
{{- if .Values.topologySpreadConstraints -}}
{{- tpl (toYaml .Values.topologySpreadConstraints) . -}}
{{- else if .Values.topologySpread.enabled -}}
{{- range .Values.topologySpread.topologyKeys }}
- maxSkew: {{ $.Values.topologySpread.maxSkew }}
  topologyKey: {{ . }}
  whenUnsatisfiable: {{ $.Values.topologySpread.whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "common.selectorLabels" $ | nindent 6 }}
  matchLabelKeys:
    - pod-template-hash
{{- end }}
{{- end -}}
{{- end }}

{{/*
common.terminationGracePeriodSeconds: terminationGracePeriodSeconds when set, else the service's own drain after
SIGTERM (`drainSeconds`, computed by the chart from its settings) plus terminationGraceMarginSeconds.
  (dict "context" $ "drainSeconds" 50)
*/}}
{{- define "common.terminationGracePeriodSeconds" -}}
{{- $values := .context.Values -}}
{{- if and (not (kindIs "invalid" $values.terminationGracePeriodSeconds)) (ne (toString $values.terminationGracePeriodSeconds) "") -}}
{{- $values.terminationGracePeriodSeconds -}}
{{- else -}}
{{- add .drainSeconds (int $values.terminationGraceMarginSeconds) -}}
{{- end -}}
{{- end }}
