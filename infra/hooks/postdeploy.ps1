# azd postdeploy hook (Windows, PowerShell 7): prints where the API is and how to call it, then calls /api/health as
# a smoke test. SERVICE_API_URI, AZURE_FUNCTION_APP_NAME and AZURE_RESOURCE_GROUP are outputs of infra/main.bicep.
$ErrorActionPreference = 'Stop'

if (-not $env:SERVICE_API_URI) {
    throw 'SERVICE_API_URI is not set: run this through azd (azd deploy), or export the azd environment values first.'
}
$base = $env:SERVICE_API_URI.TrimEnd('/')
$app = if ($env:AZURE_FUNCTION_APP_NAME) { $env:AZURE_FUNCTION_APP_NAME } else { '<function app>' }
$group = if ($env:AZURE_RESOURCE_GROUP) { $env:AZURE_RESOURCE_GROUP } else { '<resource group>' }

Write-Host "Orders API:   POST $base/api/orders     GET $base/api/orders/{orderId}"
Write-Host "Health:       GET  $base/api/health     (anonymous)"
Write-Host "Function key: az functionapp function keys list -g $group -n $app --function-name PlaceOrder --query default -o tsv"
Write-Host "              (or the app-wide default key: az functionapp keys list -g $group -n $app --query functionKeys.default -o tsv)"
Write-Host '              then send it as the x-functions-key header.'

# A Flex Consumption app that was just deployed can take a minute to start (cold start, package mount).
$attempts = if ($env:AZUREORDERS_SMOKE_ATTEMPTS) { [int]$env:AZUREORDERS_SMOKE_ATTEMPTS } else { 12 }
$delay = if ($env:AZUREORDERS_SMOKE_RETRY_SECONDS) { [int]$env:AZUREORDERS_SMOKE_RETRY_SECONDS } else { 10 }
for ($attempt = 1; ; $attempt++) {
    try {
        Invoke-WebRequest -Uri "$base/api/health" -TimeoutSec 30 -UseBasicParsing | Out-Null
        Write-Host "Smoke test:   GET $base/api/health answered 2xx"
        exit 0
    }
    catch {
        if ($attempt -ge $attempts) {
            Write-Error "Smoke test: GET $base/api/health did not answer 2xx after $attempts attempts ($($_.Exception.Message)). Check: az webapp log tail -g $group -n $app" -ErrorAction Continue
            exit 1
        }
        Start-Sleep -Seconds $delay
    }
}
