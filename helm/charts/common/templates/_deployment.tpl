{{/*
common.deployment: the service's Deployment: one container `<chart name>` on port `http` (containerPort), its
environment from the chart's ConfigMap (a changed ConfigMap rolls the pods: checksum/config of
templates/configmap.yaml), probes, resources, the read-only root filesystem with /tmp, Prometheus annotations
(metrics.*), topology spread, and the bearer tokens of `credentials` as env from their Secrets (common.credentials.env;
the services read env, so checkov's CKV_K8S_35, secrets as files, is skipped with that reason).
  (dict "context" $
        "autoscaled" <bool: an HPA or KEDA owns the replica count, so the Deployment sets none>
        "drainSeconds" <int: the service's drain after SIGTERM, see common.terminationGracePeriodSeconds>
        "drainComment" <string: what that drain is, a comment in the manifest>
        "credentials" <list, optional: the credentials the container gets, e.g. (list "extractorToken")>)
*/}}
{{- define "common.deployment" -}}
{{- $ctx := .context -}}
{{- $values := $ctx.Values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "common.labels" $ctx | nindent 4 }}
  {{- $checkov := include "common.checkovAnnotations" $ctx }}
  {{- if get . "credentials" }}
  {{- $checkov = printf "%s\n%s" $checkov "checkov.io/skip2: CKV_K8S_35=the services read their bearer tokens from env (secretKeyRef), not from files" | trim }}
  {{- end }}
  {{- with $checkov }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ $values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "common.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      annotations:
        # a changed ConfigMap rolls the pods, which read their env only at start
        checksum/config: {{ include (print $ctx.Template.BasePath "/configmap.yaml") $ctx | sha256sum }}
        {{- if $values.metrics.enabled }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $values.containerPort | quote }}
        prometheus.io/path: {{ $values.metrics.path | quote }}
        {{- end }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "common.labels" $ctx | nindent 8 }}
        {{- with $values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- include "common.pod.identity" $ctx | trim | nindent 6 }}
      {{- with .drainComment }}
      # {{ . }}
      {{- end }}
      terminationGracePeriodSeconds: {{ include "common.terminationGracePeriodSeconds" . }}
      containers:
        - name: {{ $ctx.Chart.Name }}
          image: {{ include "common.image" $ctx | quote }}
          imagePullPolicy: {{ include "common.imagePullPolicy" $ctx }}
          securityContext:
            {{- toYaml $values.securityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $values.containerPort }}
              protocol: TCP
          {{- include "common.container.env" (dict "context" $ctx "credentials" (get . "credentials")) | nindent 10 }}
          {{- with $values.livenessProbe }}
          livenessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $values.readinessProbe }}
          readinessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- include "common.container.volumeMounts" $ctx | nindent 10 }}
      {{- include "common.pod.volumes" $ctx | nindent 6 }}
      {{- with include "common.pod.scheduling" $ctx | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      {{- with include "common.topologySpreadConstraints" $ctx }}
      topologySpreadConstraints:
        {{- . | trim | nindent 8 }}
      {{- end }}
{{- end }}
