{{/*
common.pdb: the pods' PodDisruptionBudget when pdb.create: pdb.minAvailable when set, else pdb.maxUnavailable;
renders nothing otherwise.
*/}}
{{- define "common.pdb" -}}
{{- if .Values.pdb.create -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "common.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
spec:
  {{- if and (not (kindIs "invalid" .Values.pdb.minAvailable)) (ne (toString .Values.pdb.minAvailable) "") }}
  minAvailable: {{ .Values.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ .Values.pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "common.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
