//! What the server serves, read from the compiled protobuf descriptors rather than listed by hand.
//!
//! Health registration and the metrics labels both need the names of every service and RPC. Reading
//! them from the descriptor sets means a service added to `proto/vaardig/v1` later is reported by
//! health and counted under its own name without anyone remembering to list it here.

use prost::Message;
use prost_types::FileDescriptorSet;

/// The encoded descriptor sets of everything the server routes: the vaardig API, health and both
/// reflection versions.
fn served_descriptor_sets() -> [&'static [u8]; 4] {
    [
        crate::proto::FILE_DESCRIPTOR_SET,
        tonic_health::pb::FILE_DESCRIPTOR_SET,
        tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET,
        tonic_reflection::pb::v1alpha::FILE_DESCRIPTOR_SET,
    ]
}

/// One gRPC service of a descriptor set: its full name and its methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Full name, e.g. `vaardig.v1.ConceptService`: what health checks and paths use.
    pub name: String,
    /// Method names, e.g. `GetConcept`.
    pub methods: Vec<String>,
}

impl ServiceInfo {
    /// The HTTP/2 paths of the methods, e.g. `/vaardig.v1.ConceptService/GetConcept`.
    pub fn paths(&self) -> impl Iterator<Item = String> + '_ {
        self.methods.iter().map(|method| format!("/{}/{method}", self.name))
    }
}

fn services_of(encoded: &[u8]) -> Vec<ServiceInfo> {
    // The sets are compiled into the binary by build.rs and the dependencies; they always decode.
    let set = FileDescriptorSet::decode(encoded).expect("compiled descriptor sets decode");
    let mut services = Vec::new();
    for file in &set.file {
        let package = file.package();
        for service in &file.service {
            let name =
                if package.is_empty() { service.name().to_string() } else { format!("{package}.{}", service.name()) };
            let methods = service.method.iter().map(|m| m.name().to_string()).collect();
            services.push(ServiceInfo { name, methods });
        }
    }
    services
}

/// The vaardig API services (package `vaardig.*`), in descriptor order.
pub fn api_services() -> Vec<ServiceInfo> {
    services_of(crate::proto::FILE_DESCRIPTOR_SET)
}

/// Every service the server routes, the API's and the standard ones.
pub fn served_services() -> Vec<ServiceInfo> {
    let mut services: Vec<ServiceInfo> = served_descriptor_sets().into_iter().flat_map(services_of).collect();
    services.dedup_by(|a, b| a.name == b.name);
    services
}

/// Sets the health of every API service (and of the server as a whole, the empty name) to `status`.
pub async fn report_health(reporter: &tonic_health::server::HealthReporter, status: tonic_health::ServingStatus) {
    reporter.set_service_status("", status).await;
    for service in api_services() {
        reporter.set_service_status(&service.name, status).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_api_and_standard_services() {
        let api: Vec<String> = api_services().into_iter().map(|s| s.name).collect();
        assert!(api.contains(&"vaardig.v1.ConceptService".to_string()), "{api:?}");
        assert!(api.contains(&"vaardig.v1.PlanningService".to_string()), "{api:?}");
        let paths: Vec<String> = served_services().iter().flat_map(|s| s.paths().collect::<Vec<_>>()).collect();
        assert!(paths.contains(&"/vaardig.v1.SearchService/Search".to_string()));
        assert!(paths.contains(&"/grpc.health.v1.Health/Check".to_string()));
        assert!(paths.contains(&"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo".to_string()));
    }
}
