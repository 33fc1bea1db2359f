// The Function App's user-assigned managed identity: every data-plane connection of the app
// (Storage, Service Bus, Cosmos DB, Application Insights) authenticates as this identity.

@description('Location of the identity.')
param location string

@description('Tags for the identity.')
param tags object

@description('Name of the user-assigned identity.')
param name string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
