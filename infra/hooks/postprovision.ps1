# azd postprovision hook (Windows, PowerShell 7): prepares the new Cosmos DB account with the admin tool's `setup`
# (checks the database and containers Bicep created, upserts the catalog of infra/catalog.json). azd exports the
# environment's values to hooks: COSMOS_ENDPOINT and COSMOS_DATABASE_NAME are outputs of infra/main.bicep.
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '..' '..')

if (-not $env:COSMOS_ENDPOINT) {
    throw 'COSMOS_ENDPOINT is not set: run this through azd (azd provision), or export the azd environment values first.'
}
$database = if ($env:COSMOS_DATABASE_NAME) { $env:COSMOS_DATABASE_NAME } else { 'azureorders' }

if ($env:AZURE_DEPLOYING_USER_DATA_ROLES -eq 'false') {
    Write-Host 'postprovision: the deploying user has no Cosmos DB data role in this environment (deployingUserDataRoles off).'
    Write-Host 'postprovision: run the setup as an identity that has one:'
    Write-Host "  dotnet run --project functions/AzureOrders.Admin -- setup --cosmos-endpoint `"$($env:COSMOS_ENDPOINT)`" --database `"$database`""
    exit 0
}

# A role assignment made by this deployment can take a few minutes to reach the Cosmos DB data plane: retry exit code 1.
$attempts = if ($env:AZUREORDERS_SETUP_ATTEMPTS) { [int]$env:AZUREORDERS_SETUP_ATTEMPTS } else { 10 }
$delay = if ($env:AZUREORDERS_SETUP_RETRY_SECONDS) { [int]$env:AZUREORDERS_SETUP_RETRY_SECONDS } else { 30 }
for ($attempt = 1; ; $attempt++) {
    Write-Host "postprovision: azureorders setup against $($env:COSMOS_ENDPOINT), database $database (attempt $attempt of $attempts)"
    dotnet run --project functions/AzureOrders.Admin -- setup --cosmos-endpoint $env:COSMOS_ENDPOINT --database $database
    $status = $LASTEXITCODE
    if ($status -eq 0) { exit 0 }
    if ($status -ne 1 -or $attempt -ge $attempts) {
        Write-Error "postprovision: setup failed (exit code $status). Re-run it with: azd hooks run postprovision" -ErrorAction Continue
        exit $status
    }
    Write-Warning "postprovision: setup failed; new role assignments can take minutes to apply, retrying in ${delay}s"
    Start-Sleep -Seconds $delay
}
