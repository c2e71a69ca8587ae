{{/* Names, labels and shared pod settings of the RANaaS chart. */}}

{{- define "ranaas.name" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "ranaas.labels" -}}
app.kubernetes.io/name: ranaas
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ranaas.selector" -}}
app.kubernetes.io/name: ranaas
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ranaas.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "ranaas.secretName" -}}
{{ include "ranaas.name" . }}-connections
{{- end -}}

{{- define "ranaas.port" -}}
{{- get (dict "api" 8080 "orchestrator" 8081 "worker" 8082 "status" 8083) . -}}
{{- end -}}

{{/* Non-root, read-only root filesystem, no capabilities: for the RANaaS containers. */}}
{{- define "ranaas.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The environment every RANaaS service reads (see src/platform/config.ts). */}}
{{- define "ranaas.env" -}}
- name: RANAAS_HTTP_HOST
  value: "0.0.0.0"
- name: RANAAS_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: RANAAS_MONGODB_DATABASE
  value: {{ .Values.mongodb.database | quote }}
- name: RANAAS_STATUS_URL
  value: "http://{{ include "ranaas.name" . }}-status:8083"
- name: RANAAS_BACKHAUL_NETWORKS
  value: {{ .Values.ran.backhaulNetworks | toJson | quote }}
- name: RANAAS_FRONTHAUL_INTERFACE
  value: {{ .Values.ran.fronthaulInterface | quote }}
- name: RANAAS_UPF_CIDRS
  value: {{ join "," .Values.ran.upfCidrs | quote }}
- name: RANAAS_PROVISION_TIMEOUT_MS
  value: {{ mul .Values.ran.provisionTimeoutSeconds 1000 | quote }}
- name: RANAAS_TEARDOWN_TIMEOUT_MS
  value: {{ mul .Values.ran.teardownTimeoutSeconds 1000 | quote }}
- name: RANAAS_SELF_HEAL
  value: {{ .Values.ran.selfHeal | quote }}
- name: RANAAS_RAN_FLAVOUR
  value: {{ .Values.ran.flavour | quote }}
- name: RANAAS_IMAGE_CU
  value: {{ .Values.ran.images.cu | quote }}
- name: RANAAS_IMAGE_DU
  value: {{ .Values.ran.images.du | quote }}
- name: RANAAS_IMAGE_RU_EMULATOR
  value: {{ .Values.ran.images.ruEmulator | quote }}
{{- end -}}

{{/*
The connections one component needs, from Secrets: the database only for the API and the orchestrator,
and RabbitMQ as the component's own user. With the bundled RabbitMQ each component gets only its own URL
(no administrator's); with another, AMQP_URL plus, when the Secret has it, amqp-url-<component>.
*/}}
{{- define "ranaas.connectionEnv" -}}
{{- $v := .root.Values -}}
{{- $secret := include "ranaas.secretName" .root -}}
{{- if has .component (list "api" "orchestrator") }}
- name: MONGODB_URI
  valueFrom:
    secretKeyRef:
      name: {{ $v.mongodb.existingSecret | default $secret }}
      key: {{ if $v.mongodb.existingSecret }}{{ $v.mongodb.existingSecretKey }}{{ else }}mongodb-uri{{ end }}
{{- end }}
{{- if $v.rabbitmq.install }}
- name: AMQP_URL_{{ upper .component }}
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: amqp-url-{{ .component }} }
{{- else }}
- name: AMQP_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.rabbitmq.existingSecret | default $secret }}
      key: {{ if $v.rabbitmq.existingSecret }}{{ $v.rabbitmq.existingSecretKey }}{{ else }}amqp-url{{ end }}
- name: AMQP_URL_{{ upper .component }}
  valueFrom:
    secretKeyRef:
      name: {{ $v.rabbitmq.existingSecret | default $secret }}
      key: amqp-url-{{ .component }}
      optional: true
{{- end }}
{{- end -}}

{{/* A password generated once and kept across upgrades: the one under `key` in `previous` (a Secret), or a new one. */}}
{{- define "ranaas.keptPassword" -}}
{{- $old := dig "data" .key "" .previous -}}
{{- ternary ($old | b64dec) (randAlphaNum 32) (ne $old "") -}}
{{- end -}}
