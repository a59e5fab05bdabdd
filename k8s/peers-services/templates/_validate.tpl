{{/*
Checks that values.schema.json cannot express (relations between values). Every message names the
value to change and how. Fails the render with all messages at once.
*/}}
{{- define "peers-services.validateValues" -}}
{{- $messages := list -}}
{{- $v := .Values -}}
{{- $all := include "peers-services.allServices" . | fromYaml -}}
{{- $services := include "peers-services.services" . | fromYaml -}}
{{- if not $services -}}
{{- $messages = append $messages "services: no service is enabled. Set services.<name>.enabled=true for at least one (e.g. services.key-registry.enabled=true)." -}}
{{- end -}}
{{- if and $v.discovery.servedBy (not (hasKey $services $v.discovery.servedBy)) -}}
{{- $messages = append $messages (printf "discovery.servedBy: %q is not an enabled service. Enable services.%s, or set discovery.servedBy to an enabled service (or \"\" to serve no discovery document)." $v.discovery.servedBy $v.discovery.servedBy) -}}
{{- end -}}
{{- if and (or $v.ingress.enabled $v.gatewayAPI.enabled) (not $v.hostname) -}}
{{- $messages = append $messages "hostname: the Ingress/HTTPRoute needs the public host name. Set hostname=<your host>." -}}
{{- end -}}
{{- if and $v.gatewayAPI.enabled (not $v.gatewayAPI.parentRefs) -}}
{{- $messages = append $messages "gatewayAPI.parentRefs: the HTTPRoute must attach to a Gateway. Set gatewayAPI.parentRefs[0].name." -}}
{{- end -}}

{{- $paths := dict -}}
{{- $discoveryNames := dict -}}
{{- range $name := keys $services | sortAlpha -}}
{{- $svc := get $services $name -}}
{{- $at := printf "services.%s" $name -}}
{{- if not $svc.image.repository -}}
{{- $messages = append $messages (printf "%s.image.repository: no image for %s. Set it (images are built from %s/src/main/docker/Dockerfile.jvm)." $at $name $name) -}}
{{- end -}}
{{- if and $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- $messages = append $messages (printf "%s.autoscaling: minReplicas (%v) is above maxReplicas (%v). Lower minReplicas or raise maxReplicas." $at $svc.autoscaling.minReplicas $svc.autoscaling.maxReplicas) -}}
{{- end -}}
{{- if and $svc.autoscaling.enabled (not (or (gt (int $svc.autoscaling.targetCPUUtilizationPercentage) 0) (gt (int $svc.autoscaling.targetMemoryUtilizationPercentage) 0))) -}}
{{- $messages = append $messages (printf "%s.autoscaling: no target. Set targetCPUUtilizationPercentage and/or targetMemoryUtilizationPercentage above 0." $at) -}}
{{- end -}}
{{- if and $svc.pdb.enabled (ne (toString $svc.pdb.minAvailable) "") (ne (toString $svc.pdb.maxUnavailable) "") -}}
{{- $messages = append $messages (printf "%s.pdb: minAvailable and maxUnavailable are both set; a PodDisruptionBudget takes one. Set the other to \"\"." $at) -}}
{{- end -}}
{{- if and $svc.pdb.enabled (eq (toString $svc.pdb.minAvailable) "") (eq (toString $svc.pdb.maxUnavailable) "") -}}
{{- $messages = append $messages (printf "%s.pdb: neither minAvailable nor maxUnavailable is set. Set one (e.g. maxUnavailable=1)." $at) -}}
{{- end -}}
{{- if le (int $svc.terminationGracePeriodSeconds) (int $svc.preStopSleepSeconds) -}}
{{- $messages = append $messages (printf "%s.terminationGracePeriodSeconds (%v) must exceed preStopSleepSeconds (%v), or the pod is killed before it shuts down cleanly." $at $svc.terminationGracePeriodSeconds $svc.preStopSleepSeconds) -}}
{{- end -}}
{{- if eq (int $svc.containerPorts.http) (int $svc.containerPorts.management) -}}
{{- $messages = append $messages (printf "%s.containerPorts: http and management are both %v; the management port must stay apart so the ingress never exposes health and metrics." $at $svc.containerPorts.http) -}}
{{- end -}}
{{- range $other := $svc.calls -}}
{{- if not (hasKey $all $other) -}}
{{- $messages = append $messages (printf "%s.calls: %q is not a service of this chart (known: %s)." $at $other (keys $all | sortAlpha | join ", ")) -}}
{{- end -}}
{{- end -}}
{{- range $route := $svc.routes -}}
{{- if and $route.websocket $route.streaming -}}
{{- $messages = append $messages (printf "%s.routes: %s is marked both websocket and streaming; a route goes to one Ingress. Keep one of them." $at $route.path) -}}
{{- end -}}
{{- $key := printf "%s %s" $route.pathType $route.path -}}
{{- if hasKey $paths $key -}}
{{- $messages = append $messages (printf "%s.routes: %s path %s is also routed to %s; each path goes to one service." $at $route.pathType $route.path (get $paths $key)) -}}
{{- else -}}
{{- $_ := set $paths $key $name -}}
{{- end -}}
{{- end -}}
{{- with $svc.discovery.name -}}
{{- if hasKey $discoveryNames . -}}
{{- $messages = append $messages (printf "%s.discovery.name: %q is also the discovery name of %s; names must be unique." $at . (get $discoveryNames .)) -}}
{{- else -}}
{{- $_ := set $discoveryNames . $name -}}
{{- end -}}
{{- if not $svc.discovery.basePath -}}
{{- $messages = append $messages (printf "%s.discovery.basePath: %s is listed in the discovery document as %q but has no base path. Set it (e.g. /%s/v1)." $at $name . .) -}}
{{- end -}}
{{- end -}}
{{- range $key := keys $svc.secrets | sortAlpha -}}
{{- $secret := get $svc.secrets $key -}}
{{- if and $secret.value $secret.existingSecret -}}
{{- $messages = append $messages (printf "%s.secrets.%s: both value and existingSecret are set. Keep existingSecret and remove value." $at $key) -}}
{{- end -}}
{{- if and $secret.required (not (or $secret.value $secret.existingSecret)) -}}
{{- $messages = append $messages (printf "%s.secrets.%s: required, but neither existingSecret nor value is set. Set %s.secrets.%s.existingSecret to a Secret holding key %q." $at $key $at $key $secret.existingSecretKey) -}}
{{- end -}}
{{- if and $secret.existingSecret (not $secret.existingSecretKey) -}}
{{- $messages = append $messages (printf "%s.secrets.%s.existingSecretKey: empty; name the key of %s that holds %s." $at $key $secret.existingSecret $secret.env) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /* signaling silently drops its TURN URLs when it has no shared secret to derive credentials from. */ -}}
{{- with (get $services "signaling") -}}
{{- $turn := dig "secrets" "turnSecret" (dict) . -}}
{{- if and (toString (dig "config" "PEERS_SIGNALING_ICE_TURN_URLS" "" .)) (not (or $turn.value $turn.existingSecret)) -}}
{{- $messages = append $messages "services.signaling.secrets.turnSecret: config.PEERS_SIGNALING_ICE_TURN_URLS is set but there is no TURN secret, so signaling would hand out no TURN server. Set services.signaling.secrets.turnSecret.existingSecret to a Secret holding coturn's static-auth-secret (or remove the TURN URLs)." -}}
{{- end -}}
{{- end -}}

{{- /* managed-keys: browsers refuse WebAuthn ceremonies whose origin is not under the RP id, and the service's own defaults (localhost) fit only the devstack. */ -}}
{{- with (get $services "managed-keys") -}}
{{- $at := "services.managed-keys" -}}
{{- $cfg := include "peers-services.configData" (dict "root" $ "name" "managed-keys" "svc" .) | fromYaml -}}
{{- $rpId := toString (default "" $cfg.PEERS_AUTH_RP_ID) -}}
{{- $origins := list -}}
{{- range (splitList "," (toString (default "" $cfg.PEERS_AUTH_ORIGINS))) -}}
{{- if trim . -}}{{- $origins = append $origins (trim .) -}}{{- end -}}
{{- end -}}
{{- if not $rpId -}}
{{- $messages = append $messages (printf "%s.config.PEERS_AUTH_RP_ID: empty. Passkeys are bound to the WebAuthn relying party id: set it to the domain your web apps run under (e.g. the hostname, %q), and keep it: changing it later orphans every passkey." $at $v.hostname) -}}
{{- end -}}
{{- if not $origins -}}
{{- $messages = append $messages (printf "%s.config.PEERS_AUTH_ORIGINS: empty. List the origins (https://<host>, comma-separated) of the web apps that register and use passkeys." $at) -}}
{{- end -}}
{{- range $origin := $origins -}}
{{- if not (regexMatch "^https?://[^/?#]+$" $origin) -}}
{{- $messages = append $messages (printf "%s.config.PEERS_AUTH_ORIGINS: %q is not an origin; write scheme://host[:port] without a path (e.g. https://%s)." $at $origin $v.hostname) -}}
{{- else if $rpId -}}
{{- $host := regexReplaceAll "^https?://([^:/]+)(:.*)?$" $origin "${1}" -}}
{{- if and (hasPrefix "http://" $origin) (ne $host "localhost") -}}
{{- $messages = append $messages (printf "%s.config.PEERS_AUTH_ORIGINS: %q is plain http; browsers offer passkeys only to https origins (and http://localhost). Use https://%s." $at $origin $host) -}}
{{- else if not (or (eq $host $rpId) (hasSuffix (printf ".%s" $rpId) $host)) -}}
{{- $messages = append $messages (printf "%s.config.PEERS_AUTH_ORIGINS: the host of %q is not %s or below it, so browsers refuse its passkey ceremonies. Set PEERS_AUTH_RP_ID to a domain every origin shares, or remove the origin." $at $origin $rpId) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $kek := dig "secrets" "custodialKeys" (dict) . -}}
{{- $currentKek := toString (default "" $cfg.PEERS_AUTH_CUSTODIAL_CURRENT_KEY_ID) -}}
{{- if and $currentKek (not (or $kek.value $kek.existingSecret)) -}}
{{- $messages = append $messages (printf "%s.config.PEERS_AUTH_CUSTODIAL_CURRENT_KEY_ID is %q but there are no custodial keys. Set %s.secrets.custodialKeys.existingSecret to a Secret holding \"<key id>:<base64url of 32 bytes>,...\", or remove the key id." $at $currentKek $at) -}}
{{- end -}}
{{- if $kek.value -}}
{{- $ids := list -}}
{{- range (splitList "," (toString $kek.value)) -}}
{{- if not (regexMatch "^\\s*[^:,\\s]+:[A-Za-z0-9_-]{43}=?\\s*$" .) -}}
{{- $messages = append $messages (printf "%s.secrets.custodialKeys.value: an entry is not <key id>:<base64url of 32 bytes> (43 characters after the colon). Generate a key with: head -c 32 /dev/urandom | basenc --base64url | tr -d =" $at) -}}
{{- else -}}
{{- $ids = append $ids (trim (index (splitList ":" .) 0)) -}}
{{- end -}}
{{- end -}}
{{- if and $currentKek (not (has $currentKek $ids)) -}}
{{- $messages = append $messages (printf "%s.config.PEERS_AUTH_CUSTODIAL_CURRENT_KEY_ID: %q is not among the key ids of secrets.custodialKeys (%s)." $at $currentKek (join ", " $ids)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /* affiliate-billing: the stripe provider needs both Stripe secrets and a way out of the cluster. */ -}}
{{- with (get $services "affiliate-billing") -}}
{{- $at := "services.affiliate-billing" -}}
{{- $providers := list -}}
{{- range (splitList "," (toString (dig "config" "PEERS_BILLING_PROVIDERS" "" .))) -}}
{{- if trim . -}}{{- $providers = append $providers (trim .) -}}{{- end -}}
{{- end -}}
{{- range $p := $providers -}}
{{- if not (has $p (list "manual" "stripe")) -}}
{{- $messages = append $messages (printf "%s.config.PEERS_BILLING_PROVIDERS: unknown provider %q; the providers are manual and stripe (comma-separated, the first is the default)." $at $p) -}}
{{- end -}}
{{- end -}}
{{- if has "stripe" $providers -}}
{{- $billing := . -}}
{{- range $key := list "stripeApiKey" "stripeWebhookSecret" -}}
{{- $secret := dig "secrets" $key (dict) $billing -}}
{{- if not (or $secret.value $secret.existingSecret) -}}
{{- $messages = append $messages (printf "%s.secrets.%s: PEERS_BILLING_PROVIDERS lists stripe, which needs it. Set %s.secrets.%s.existingSecret to a Secret holding key %q (from Stripe's dashboard)." $at $key $at $key (default "" $secret.existingSecretKey)) -}}
{{- end -}}
{{- end -}}
{{- if and $v.networkPolicy.enabled (not .extraEgress) (not $v.networkPolicy.extraEgress) -}}
{{- $messages = append $messages (printf "%s.extraEgress: PEERS_BILLING_PROVIDERS lists stripe, but the NetworkPolicy lets affiliate-billing reach nothing outside the cluster. Add a rule for api.stripe.com (HTTPS), e.g. %s.extraEgress=[{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443, protocol: TCP}]}], or your egress proxy." $at $at) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- /* backup-service creates its bucket at start; S3 refuses names outside its rules. */ -}}
{{- with (get $services "backup-service") -}}
{{- $bucket := toString (dig "config" "PEERS_BACKUP_BUCKET" "" .) -}}
{{- if and $bucket (not (regexMatch "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$" $bucket)) -}}
{{- $messages = append $messages (printf "services.backup-service.config.PEERS_BACKUP_BUCKET: %q is not a valid S3 bucket name (3-63 of lower-case letters, digits, dots and dashes, starting and ending with a letter or digit)." $bucket) -}}
{{- end -}}
{{- end -}}

{{- if include "peers-services.anyUses" (dict "root" . "store" "postgresql") -}}
{{- $pg := $v.postgresql -}}
{{- if not $pg.host -}}
{{- $messages = append $messages "postgresql.host: empty. Set the read-write endpoint of your PostgreSQL (CloudNativePG: <cluster>-rw)." -}}
{{- end -}}
{{- if and $pg.auth.password $pg.auth.existingSecret -}}
{{- $messages = append $messages "postgresql.auth: both password and existingSecret are set. Keep existingSecret and remove password." -}}
{{- end -}}
{{- if not (or $pg.auth.password $pg.auth.existingSecret) -}}
{{- $messages = append $messages "postgresql.auth: no credentials. Set postgresql.auth.existingSecret (CloudNativePG: <cluster>-app) or postgresql.auth.password." -}}
{{- end -}}
{{- if and (not (and $pg.auth.existingSecret $pg.auth.existingSecretUsernameKey)) (not $pg.auth.username) -}}
{{- $messages = append $messages "postgresql.auth.username: empty, and no existingSecretUsernameKey to read it from. Set one of them." -}}
{{- end -}}
{{- if and (has $pg.tls.mode (list "verify-ca" "verify-full")) (not $pg.tls.caSecret) -}}
{{- $messages = append $messages (printf "postgresql.tls.caSecret: mode %s checks the server certificate, so it needs the CA. Set postgresql.tls.caSecret (CloudNativePG: <cluster>-ca) or choose mode require." $pg.tls.mode) -}}
{{- end -}}
{{- end -}}

{{- if include "peers-services.anyUses" (dict "root" . "store" "kafka") -}}
{{- $k := $v.kafka -}}
{{- if not $k.bootstrapServers -}}
{{- $messages = append $messages "kafka.bootstrapServers: empty. Set your brokers' bootstrap address (Strimzi: <cluster>-kafka-bootstrap:9092)." -}}
{{- end -}}
{{- if $k.sasl.enabled -}}
{{- if not $k.sasl.username -}}
{{- $messages = append $messages "kafka.sasl.username: SASL is enabled but no user is set. Set kafka.sasl.username (Strimzi: the KafkaUser's name)." -}}
{{- end -}}
{{- if not (or $k.sasl.password $k.sasl.existingSecret) -}}
{{- $messages = append $messages "kafka.sasl: SASL is enabled but no password. Set kafka.sasl.existingSecret (Strimzi: the KafkaUser's Secret) or kafka.sasl.password." -}}
{{- end -}}
{{- if and $k.sasl.password $k.sasl.existingSecret -}}
{{- $messages = append $messages "kafka.sasl: both password and existingSecret are set. Keep existingSecret and remove password." -}}
{{- end -}}
{{- end -}}
{{- if and $k.tls.caSecret (not $k.tls.enabled) -}}
{{- $messages = append $messages "kafka.tls.caSecret is set but kafka.tls.enabled is false. Enable TLS or clear caSecret." -}}
{{- end -}}
{{- end -}}

{{- if include "peers-services.anyUses" (dict "root" . "store" "s3") -}}
{{- $a := $v.s3.auth -}}
{{- if not $v.s3.endpoint -}}
{{- $messages = append $messages "s3.endpoint: empty. Set the URL of your S3-compatible store." -}}
{{- end -}}
{{- if and (or $a.accessKeyId $a.secretAccessKey) $a.existingSecret -}}
{{- $messages = append $messages "s3.auth: both inline keys and existingSecret are set. Keep existingSecret and remove accessKeyId/secretAccessKey." -}}
{{- end -}}
{{- if and (not $a.existingSecret) (not (and $a.accessKeyId $a.secretAccessKey)) -}}
{{- $messages = append $messages "s3.auth: no credentials. Set s3.auth.existingSecret, or both s3.auth.accessKeyId and s3.auth.secretAccessKey." -}}
{{- end -}}
{{- end -}}

{{- if $messages -}}
{{- printf "\nVALUES VALIDATION:\n  - %s" (join "\n  - " $messages) | fail -}}
{{- end -}}
{{- end -}}
