#!/bin/sh
# azd postdeploy hook (Linux, macOS): prints where the API is and how to call it, then calls /api/health as a
# smoke test. SERVICE_API_URI, AZURE_FUNCTION_APP_NAME and AZURE_RESOURCE_GROUP are outputs of infra/main.bicep.
set -eu

: "${SERVICE_API_URI:?SERVICE_API_URI is not set: run this through azd (azd deploy), or export the azd environment values first.}"
base="${SERVICE_API_URI%/}"
app="${AZURE_FUNCTION_APP_NAME:-<function app>}"
group="${AZURE_RESOURCE_GROUP:-<resource group>}"

echo "Orders API:   POST $base/api/orders     GET $base/api/orders/{orderId}"
echo "Health:       GET  $base/api/health     (anonymous)"
echo "Function key: az functionapp function keys list -g $group -n $app --function-name PlaceOrder --query default -o tsv"
echo "              (or the app-wide default key: az functionapp keys list -g $group -n $app --query functionKeys.default -o tsv)"
echo "              then send it as the x-functions-key header, e.g."
echo "              curl -X POST \"$base/api/orders\" -H \"x-functions-key: \$KEY\" -H 'Content-Type: application/json' \\"
echo "                -d '{\"orderId\":\"ord_123\",\"customerId\":\"cust_456\",\"items\":[{\"sku\":\"WIDGET-001\",\"quantity\":2,\"priceInCents\":1999}],\"totalInCents\":3998}'"

# A Flex Consumption app that was just deployed can take a minute to start (cold start, package mount).
attempts="${AZUREORDERS_SMOKE_ATTEMPTS:-12}"
delay="${AZUREORDERS_SMOKE_RETRY_SECONDS:-10}"
attempt=1
while :; do
  if curl --fail --silent --show-error --max-time 30 "$base/api/health" >/dev/null; then
    echo "Smoke test:   GET $base/api/health answered 2xx"
    exit 0
  fi
  if [ "$attempt" -ge "$attempts" ]; then
    echo "Smoke test:   GET $base/api/health did not answer 2xx after $attempts attempts. Check the app's logs:" >&2
    echo "              az webapp log tail -g $group -n $app   (or Application Insights > Failures)" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep "$delay"
done
