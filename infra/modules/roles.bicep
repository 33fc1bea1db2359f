// Least-privilege role assignments. The app's identity gets exactly the data-plane roles its bindings
// and SDK clients need; the deploying user (optional) gets the same data roles, to debug against
// Azure from a developer machine. No control-plane (Owner/Contributor) role is granted to anyone.

@description('Name of the Function App\'s user-assigned identity.')
param appIdentityName string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); empty to grant nothing.')
param userPrincipalId string

@description('Principal type of userPrincipalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param userPrincipalType string

param storageAccountName string
param serviceBusNamespaceName string
param cosmosAccountName string
param applicationInsightsName string

// Built-in role definition ids (the same in every tenant).
var storageRoles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // host leases, Durable blobs, deployment package
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Durable Functions work-item/control queues
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Durable Functions history/instances tables
}
var serviceBusRoles = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // publish events and commands
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // triggers: receive, complete, dead-letter
}
var monitoringRoles = {
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Entra-authenticated telemetry ingestion
}
// Cosmos DB data-plane built-in role (not an Azure RBAC role: a sqlRoleDefinition of the account).
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

// Known at the start of the deployment (loops need that): the app's principal id is read from the
// identity inside each assignment. `seed` makes assignment names deterministic (What-If predicts them):
// the identity's resource id for the app, the object id for the user.
var principals = concat(
  [
    {
      isApp: true
      id: ''
      seed: appIdentity.id
      type: 'ServicePrincipal'
    }
  ],
  empty(userPrincipalId)
    ? []
    : [
        {
          isApp: false
          id: userPrincipalId
          seed: userPrincipalId
          type: userPrincipalType
        }
      ]
)

var storageAssignments = flatten(map(principals, p => map(items(storageRoles), r => { principal: p, role: r.value })))
var serviceBusAssignments = flatten(map(principals, p => map(items(serviceBusRoles), r => { principal: p, role: r.value })))
var monitoringAssignments = flatten(map(principals, p => map(items(monitoringRoles), r => { principal: p, role: r.value })))

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: appIdentityName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in storageAssignments: {
    scope: storage
    name: guid(storage.id, a.principal.seed, a.role)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role)
      principalId: a.principal.isApp ? appIdentity.properties.principalId : a.principal.id
      principalType: a.principal.type
    }
  }
]

resource serviceBusRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in serviceBusAssignments: {
    scope: serviceBus
    name: guid(serviceBus.id, a.principal.seed, a.role)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role)
      principalId: a.principal.isApp ? appIdentity.properties.principalId : a.principal.id
      principalType: a.principal.type
    }
  }
]

resource monitoringRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in monitoringAssignments: {
    scope: applicationInsights
    name: guid(applicationInsights.id, a.principal.seed, a.role)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.role)
      principalId: a.principal.isApp ? appIdentity.properties.principalId : a.principal.id
      principalType: a.principal.type
    }
  }
]

resource cosmosRoleAssignments 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [
  for p in principals: {
    parent: cosmos
    name: guid(cosmos.id, p.seed, cosmosDataContributor)
    properties: {
      roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
      principalId: p.isApp ? appIdentity.properties.principalId : p.id
      scope: cosmos.id
    }
  }
]
