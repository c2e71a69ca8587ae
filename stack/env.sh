#!/usr/bin/env bash
# Prints the stack's connection settings as shell exports: eval "$(ranaas stack env)".
source "$(dirname "$0")/lib.sh"
cat <<ENV
export MONGODB_URI=mongodb://127.0.0.1:$MONGO_PORT/
export AMQP_URL=amqp://guest:guest@127.0.0.1:$AMQP_PORT
ENV
# Each service logs in as its own RabbitMQ user, as in production (AMQP_URL, the administrator, is for tools).
if [[ -s $RABBITMQ_PASSWORDS ]]; then
  # shellcheck source=/dev/null
  source "$RABBITMQ_PASSWORDS"
  for service in "${RANAAS_SERVICES[@]}"; do
    password_var="RANAAS_AMQP_PASSWORD_${service^^}"
    echo "export AMQP_URL_${service^^}=amqp://ranaas-$service:${!password_var}@127.0.0.1:$AMQP_PORT"
  done
fi
# The key callback secrets are sealed with (RANAAS_SECRETS_KEY), made by `up`.
[[ -s $SECRETS_KEY_FILE ]] && echo "export RANAAS_SECRETS_KEY=$(cat "$SECRETS_KEY_FILE")"
cat <<ENV
export KUBECONFIG=$KUBECONFIG_FILE
export PATH=$K8S_BIN:$(dirname "$HELM"):\$PATH
# The stack's nodes are simulated (KWOK) and pull nothing: these names (reserved .invalid domain) only
# need to exist. On a real cluster, name the images you built (docs/ran-images.md).
export RANAAS_IMAGE_CU=\${RANAAS_IMAGE_CU:-simulated.invalid/srsran/cu:25.10}
export RANAAS_IMAGE_DU=\${RANAAS_IMAGE_DU:-simulated.invalid/srsran/du:25.10}
export RANAAS_IMAGE_RU_EMULATOR=\${RANAAS_IMAGE_RU_EMULATOR:-simulated.invalid/srsran/ru-emulator:25.10}
# Nor do they run a gNB: the status service does not reach for the simulated pods' remote-control ports
# (tests point it at the gNB telemetry simulator instead: RANAAS_TELEMETRY_VIA).
export RANAAS_RADIO_TELEMETRY=\${RANAAS_RADIO_TELEMETRY:-false}
ENV
