#!/usr/bin/env bash
# Prints the stack's connection settings as shell exports: eval "$(ranaas stack env)".
source "$(dirname "$0")/lib.sh"
cat <<ENV
export MONGODB_URI=mongodb://127.0.0.1:$MONGO_PORT/
export AMQP_URL=amqp://guest:guest@127.0.0.1:$AMQP_PORT
export KUBECONFIG=$KUBECONFIG_FILE
export PATH=$K8S_BIN:$(dirname "$HELM"):\$PATH
ENV
