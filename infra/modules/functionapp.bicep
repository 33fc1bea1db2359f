// Flex Consumption (FC1) plan and the Function App that azd deploys (service `api`). The app runs as
// its user-assigned identity and every connection is identity-based: no key, SAS or connection string
// with a secret in any setting. The deployment package lives in a blob container that the platform
// reads with the same identity.

@description('Location of the plan and the app.')
param location string

@description('Tags for the plan and the app (the app adds azd-service-name).')
param tags object

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the Function App.')
param name string

@description('azd service name in azure.yaml; azd finds the app to deploy by this tag.')
param serviceName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (the __clientId of identity-based connections).')
param identityClientId string

@description('Name of the storage account for AzureWebJobsStorage, Durable Functions and the deployment package.')
param storageAccountName string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Fully qualified Service Bus namespace, e.g. sb-x.servicebus.windows.net.')
param serviceBusFullyQualifiedNamespace string

@description('Cosmos DB account endpoint, e.g. https://cosmos-x.documents.azure.com:443/.')
param cosmosEndpoint string

@description('Cosmos DB database name.')
param cosmosDatabaseName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Payments:Gateway: the payment gateway the app charges with (the template ships only the simulator; the app refuses to start without one).')
@allowed([
  'Simulator'
])
param paymentGateway string

@description('Notifications:Sender: how notifications are sent (the template ships simulated senders only: Log writes them to the log).')
@allowed([
  'Log'
  'InMemory'
])
param notificationSender string

@description('Functions runtime stack on Flex Consumption.')
@allowed([
  'dotnet-isolated'
])
param runtimeName string

@description('Runtime version: the .NET version of the Function App project (net10.0 -> 10.0).')
param runtimeVersion string

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Upper bound on instances: bounds the fan-out during event storms.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
    }
  }

  // Only settings something reads (a test checks each against the code or the documented host settings):
  // the host reads AzureWebJobsStorage__*, ServiceBus__* (trigger connection) and the Application Insights pair;
  // the code reads ServiceBus__fullyQualifiedNamespace, CosmosDb__accountEndpoint/databaseName, AZURE_CLIENT_ID
  // (its own credential, for Service Bus, Cosmos DB and the exporter), and the services' explicit choices.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      AzureWebJobsStorage__accountName: storage.name
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      ServiceBus__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
      ServiceBus__credential: 'managedidentity'
      ServiceBus__clientId: identityClientId
      CosmosDb__accountEndpoint: cosmosEndpoint
      CosmosDb__databaseName: cosmosDatabaseName
      AZURE_CLIENT_ID: identityClientId
      // Chosen explicitly, never defaulted: production must not fall back to a simulator silently.
      Payments__Gateway: paymentGateway
      Notifications__Sender: notificationSender
      // The connection string names the ingestion endpoint (its instrumentation key is an identifier,
      // not a credential: local auth is off, so ingestion needs the Entra token configured below).
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
    }
  }

  // No publishing with basic (user name + password) credentials.
  resource ftpCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmCredentials 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
