// AzureOrders: everything `azd up` provisions. Subscription scope: creates the resource group, then one
// module per concern. Names carry a resource token so that environments do not collide.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the resource token.')
param environmentName string

@minLength(1)
@description('Azure region of every resource (must offer Flex Consumption).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user, granted data roles for debugging (azd sets AZURE_PRINCIPAL_ID). Empty: none.')
param principalId string = ''

@description('Grant the deploying user (principalId) data-plane roles on Storage, Service Bus, Cosmos DB and Application Insights: true for a developer\'s environment, false for shared and production ones.')
param deployingUserDataRoles bool = true

@description('Principal type of principalId: User for a developer, ServicePrincipal for a pipeline.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Memory of each Function App instance, in MB.')
@allowed([
  512
  2048
  4096
])
param functionAppInstanceMemoryMB int = 2048

@description('Maximum Function App instances (Flex Consumption: 40-1000); bounds scale-out during event storms.')
@minValue(40)
@maxValue(1000)
param functionAppMaximumInstanceCount int = 40

@description('Payments:Gateway of the Function App. The template ships only the deterministic simulator.')
@allowed([
  'Simulator'
])
param paymentGateway string = 'Simulator'

@description('Notifications:Sender of the Function App: Log (notifications written to the log) or InMemory.')
@allowed([
  'Log'
  'InMemory'
])
param notificationSender string = 'Log'

@description('E-mail address that the alerts notify (action group); empty: alerts show in the Azure portal only.')
param alertEmail string = ''

@description('Active messages in one queue or topic above which, for 15 minutes, the backlog alert fires.')
@minValue(1)
param backlogAlertThreshold int = 1000

// The Function App project targets net10.0 (Directory.Build.props); a test keeps these in step.
var functionsRuntime = {
  name: 'dotnet-isolated'
  version: '10.0'
}

var serviceName = 'api'
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-${serviceName}-${resourceToken}'
// Names are computed here, not read from module outputs, so that What-If can predict every resource.
var names = {
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  identity: 'id-${serviceName}-${resourceToken}'
  storage: 'st${resourceToken}'
  serviceBus: 'sb-${resourceToken}'
  cosmos: 'cosmos-${resourceToken}'
  plan: 'plan-${resourceToken}'
  actionGroup: 'ag-${resourceToken}'
}
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.identity
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.storage
    deploymentContainerName: deploymentContainerName
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.serviceBus
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.cosmos
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    appIdentityName: names.identity
    userPrincipalId: principalId
    userDataRoles: deployingUserDataRoles
    userPrincipalType: principalType
    storageAccountName: names.storage
    serviceBusNamespaceName: names.serviceBus
    cosmosAccountName: names.cosmos
    applicationInsightsName: names.applicationInsights
  }
  dependsOn: [
    identity
    storage
    serviceBus
    cosmos
    monitoring
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    location: location
    tags: tags
    planName: names.plan
    name: functionAppName
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: names.storage
    deploymentContainerName: deploymentContainerName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    applicationInsightsName: names.applicationInsights
    runtimeName: functionsRuntime.name
    runtimeVersion: functionsRuntime.version
    instanceMemoryMB: functionAppInstanceMemoryMB
    maximumInstanceCount: functionAppMaximumInstanceCount
    paymentGateway: paymentGateway
    notificationSender: notificationSender
  }
  // The app starts with identity-based connections: its roles must exist first.
  dependsOn: [
    roles
    storage
    monitoring
  ]
}

module diagnostics 'modules/diagnostics.bicep' = {
  name: 'diagnostics'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    serviceBusNamespaceName: names.serviceBus
    cosmosAccountName: names.cosmos
    functionAppName: functionAppName
  }
  dependsOn: [
    monitoring
    serviceBus
    cosmos
    functionApp
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    actionGroupName: names.actionGroup
    alertEmail: alertEmail
    backlogThreshold: backlogAlertThreshold
    serviceBusNamespaceName: names.serviceBus
    applicationInsightsName: names.applicationInsights
    logAnalyticsName: names.logAnalytics
  }
  // The Cosmos throttling alert reads the table that the diagnostic settings create.
  dependsOn: [
    monitoring
    serviceBus
    diagnostics
  ]
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    applicationInsightsName: names.applicationInsights
    serviceBusNamespaceName: names.serviceBus
  }
  dependsOn: [
    monitoring
    serviceBus
  ]
}

// Outputs become azd environment values (azd env get-values): names and endpoints, never a key.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_CLIENT_ID string = identity.outputs.clientId
output SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE_NAME string = cosmos.outputs.databaseName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.logAnalyticsName
output AZURE_ACTION_GROUP_NAME string = alerts.outputs.actionGroupName
output AZURE_WORKBOOK_NAME string = workbook.outputs.name
