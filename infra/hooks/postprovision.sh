#!/bin/sh
# azd postprovision hook (Linux, macOS): prepares the new Cosmos DB account with the admin tool's `setup`
# (checks the database and containers Bicep created, upserts the catalog of infra/catalog.json). azd exports the
# environment's values (azd env get-values) to hooks, so COSMOS_ENDPOINT and COSMOS_DATABASE_NAME are the outputs
# of infra/main.bicep. Signs in with your azd/az login (DefaultAzureCredential).
set -eu
cd "$(dirname "$0")/../.."

: "${COSMOS_ENDPOINT:?COSMOS_ENDPOINT is not set: run this through azd (azd provision), or export the azd environment values first.}"
database="${COSMOS_DATABASE_NAME:-azureorders}"

if [ "${AZURE_DEPLOYING_USER_DATA_ROLES:-true}" = "false" ]; then
  echo "postprovision: the deploying user has no Cosmos DB data role in this environment (deployingUserDataRoles off)."
  echo "postprovision: run the setup as an identity that has one:"
  echo "  dotnet run --project functions/AzureOrders.Admin -- setup --cosmos-endpoint \"$COSMOS_ENDPOINT\" --database \"$database\""
  exit 0
fi

# A role assignment made by this deployment can take a few minutes to reach the Cosmos DB data plane, so a refused
# sign-in is retried. Exit codes of the tool: 0 ok, 1 failed (also: permission not there yet), 2 usage, 130 Ctrl+C.
attempts="${AZUREORDERS_SETUP_ATTEMPTS:-10}"
delay="${AZUREORDERS_SETUP_RETRY_SECONDS:-30}"
attempt=1
while :; do
  echo "postprovision: azureorders setup against $COSMOS_ENDPOINT, database $database (attempt $attempt of $attempts)"
  status=0
  dotnet run --project functions/AzureOrders.Admin -- setup --cosmos-endpoint "$COSMOS_ENDPOINT" --database "$database" || status=$?
  if [ "$status" -eq 0 ]; then
    exit 0
  fi
  if [ "$status" -ne 1 ] || [ "$attempt" -ge "$attempts" ]; then
    echo "postprovision: setup failed (exit code $status). Re-run it with: azd hooks run postprovision" >&2
    exit "$status"
  fi
  echo "postprovision: setup failed; new role assignments can take minutes to apply, retrying in ${delay}s" >&2
  attempt=$((attempt + 1))
  sleep "$delay"
done
