// Least-privilege role assignments. The app's identity gets exactly the data-plane roles its bindings,
// SDK clients and the platform's scale controller need; the deploying user (optional, for dev
// environments) gets data roles to run the admin tool and debug from a developer machine. No
// control-plane (Owner/Contributor) role is granted to anyone.

@description('Name of the Function App\'s user-assigned identity.')
param appIdentityName string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); empty to grant nothing.')
param userPrincipalId string

@description('Grant the deploying user data-plane roles (on for dev environments, off for shared or production ones).')
param userDataRoles bool

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
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // the user: the admin tool's dead-letter commands
}
// Azure Service Bus Data Owner, for the app on each entity its triggers consume only. Receive, complete and
// dead-letter need Listen (Data Receiver), but target-based scaling on Flex Consumption reads the entity's
// message count through the management API (GetQueueRuntimePropertiesAsync/GetSubscriptionRuntimePropertiesAsync),
// which needs Manage rights; without them scaling silently falls back to a less accurate peek-based estimate.
// No narrower built-in role carries Manage. Scoped to the entity (topic: its subscriptions are below it), not the namespace.
var serviceBusDataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419'
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
  empty(userPrincipalId) || !userDataRoles
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
// The app sends only: it receives through the entity-scoped Data Owner below. The user sends and receives.
var serviceBusAssignments = flatten(map(principals, p => map(filter(items(serviceBusRoles), r => !p.isApp || r.key == 'serviceBusDataSender'), r => { principal: p, role: r.value })))

var topology = loadJsonContent('../topology.json')
// Entities the Function App's triggers consume: every queue, and every topic with subscriptions (one trigger per
// subscription; a test compares the topology with the built functions.metadata).
var consumedTopics = map(filter(topology.topics, t => !empty(t.subscriptions)), t => t.name)
var consumedQueues = map(topology.queues, q => q.name)
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

resource consumedTopicEntities 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = [
  for name in consumedTopics: {
    parent: serviceBus
    name: name
  }
]

resource consumedQueueEntities 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [
  for name in consumedQueues: {
    parent: serviceBus
    name: name
  }
]

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

resource topicOwnerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (name, i) in consumedTopics: {
    scope: consumedTopicEntities[i]
    name: guid(consumedTopicEntities[i].id, appIdentity.id, serviceBusDataOwner)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
      principalId: appIdentity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource queueOwnerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (name, i) in consumedQueues: {
    scope: consumedQueueEntities[i]
    name: guid(consumedQueueEntities[i].id, appIdentity.id, serviceBusDataOwner)
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
      principalId: appIdentity.properties.principalId
      principalType: 'ServicePrincipal'
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
