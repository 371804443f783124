using k8s.Models;
using Microsoft.Extensions.Configuration;

namespace CircuitDemo.IntegrationTests.Deployment;

/// <summary>
/// <c>deploy/kubernetes</c> (and its demo overlay) rendered with <c>kubectl kustomize</c> and held against the AppHost's
/// own model, its manifest: a project added to the AppHost, a variable the AppHost starts giving a project, or a pod
/// listed in the gateway's configuration instead of found by DNS, turns these red.
/// </summary>
public sealed class KubernetesDeploymentTests(AppHostManifest manifest) : IClassFixture<AppHostManifest>
{
    private const string Base = "deploy/kubernetes";
    private const string Dashboard = "aspire-dashboard";
    private const string Ledger = "ledger";

    public static TheoryData<string> Kustomizations => [Base, "deploy/overlays/demo"];

    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryProject_HasItsWorkload_WithEveryVariableTheAppHostSetsOnIt(string kustomization)
    {
        var objects = await Kustomize.RenderAsync(kustomization);

        foreach (var (name, project) in manifest.Projects)
        {
            var workload = objects.WorkloadOf(name) ?? throw new Xunit.Sdk.XunitException($"{kustomization}: the AppHost's project {name} has no Deployment or StatefulSet.");
            var container = Assert.Single(workload.Pod.Containers, c => c.Name == name);
            var environment = objects.EnvironmentOf(container);
            // The stubs' addresses the AppHost gives the gateway are found by DNS on the cluster instead.
            var byDns = environment.GetValueOrDefault("ServiceDiscovery__Dns__Enabled") == "true";
            // The SQLite file the AppHost gives payment-service's instances is PostgreSQL on the cluster.
            var onPostgres = environment.ContainsKey(LedgerConnection);
            var missing = AppHostManifest.EnvironmentOf(project)
                .Where(variable => !environment.ContainsKey(variable) && !(byDns && IsServiceAddress(variable)) && !(onPostgres && variable == LedgerFile))
                .ToList();
            Assert.True(missing.Count == 0, $"{kustomization}: {name} lacks {string.Join(", ", missing)}, which the AppHost sets.");
            Assert.Equal(ServiceNames.Stubs.Contains(name) ? "StatefulSet" : "Deployment", workload.Kind);
        }

        // Nothing runs that the AppHost does not have, but the dashboard it brings itself and the ledger's database.
        var workloads = objects.OfType<V1Deployment>().Select(d => d.Metadata.Name).Concat(objects.OfType<V1StatefulSet>().Select(s => s.Metadata.Name));
        Assert.All(workloads, w => Assert.True(manifest.Projects.ContainsKey(w) || w is Dashboard or Ledger, $"{kustomization}: {w} is not a project of the AppHost."));
    }

    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task TheGateway_FindsThePodsOfEachStatefulSetByDns_AndListsNoPod(string kustomization)
    {
        var objects = await Kustomize.RenderAsync(kustomization);
        var gateway = objects.WorkloadOf(ServiceNames.Gateway)!.Value.Pod.Containers.Single(c => c.Name == ServiceNames.Gateway);
        var environment = objects.EnvironmentOf(gateway);

        // DNS discovery on, every ten seconds, and no address of any stub in configuration (which would come first).
        Assert.Equal("true", environment.GetValueOrDefault("ServiceDiscovery__Dns__Enabled"));
        Assert.Equal("00:00:10", environment.GetValueOrDefault("ServiceDiscovery__Dns__RefreshPeriod"));
        Assert.DoesNotContain(environment.Keys, IsServiceAddress);

        foreach (var set in objects.OfType<V1StatefulSet>().Where(s => ServiceNames.Stubs.Contains(s.Metadata.Name)))
        {
            // A headless Service of the StatefulSet's serviceName, with a port named http: its SRV records
            // (_http._tcp.{service}) name each pod, ready or not, and give the port.
            var service = Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Name == set.Spec.ServiceName);
            Assert.Equal(set.Metadata.Name, service.Metadata.Name);
            Assert.Equal("None", service.Spec.ClusterIP);
            Assert.True(service.Spec.PublishNotReadyAddresses, $"{service.Metadata.Name}: a pod must keep its name while not ready.");
            Assert.Equal(set.Spec.Selector.MatchLabels, service.Spec.Selector);
            var port = set.Spec.Template.Spec.Containers[0].Ports.Single(p => p.Name == "http").ContainerPort;
            Assert.Contains(service.Spec.Ports, p => p.Name == "http" && p.Port == port);
        }
    }

    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task TheLedger_IsPostgresWithAVolume_ItsPasswordFromASecret_AndEveryPaymentPodReadsItsConnectionStringFromThatSecret(string kustomization)
    {
        var objects = await Kustomize.RenderAsync(kustomization);

        var ledger = Assert.Single(objects.OfType<V1StatefulSet>(), s => s.Metadata.Name == Ledger);
        var database = Assert.Single(ledger.Spec.Template.Spec.Containers);
        Assert.StartsWith("postgres:", database.Image, StringComparison.Ordinal);
        var data = Assert.Single(ledger.Spec.VolumeClaimTemplates);
        Assert.Contains(database.VolumeMounts, m => m.Name == data.Metadata.Name);
        var password = Assert.Single(database.Env, v => v.Name == "POSTGRES_PASSWORD").ValueFrom?.SecretKeyRef;
        Assert.NotNull(password);
        Assert.NotNull(database.ReadinessProbe?.Exec);
        Assert.Contains(objects.OfType<V1Service>(), s => s.Metadata.Name == Ledger && s.Spec.Ports.Any(p => p.Port == 5432));

        var payment = objects.WorkloadOf(ServiceNames.Payment)!.Value.Pod.Containers.Single(c => c.Name == ServiceNames.Payment);
        var connection = Assert.Single(payment.Env, v => v.Name == LedgerConnection);
        Assert.Null(connection.Value);
        Assert.Equal(password.Name, connection.ValueFrom?.SecretKeyRef?.Name);
        Assert.DoesNotContain(payment.Env, v => v.Name == LedgerFile);
    }

    private static string LedgerConnection => Settings.EnvironmentVariable(Settings.LedgerConnectionString);

    private static string LedgerFile => Settings.EnvironmentVariable(Settings.LedgerPath);

    // services__{service}__http__{i}: an address service discovery's configuration provider gives before DNS is asked.
    private static bool IsServiceAddress(string variable) =>
        variable.StartsWith("services__", StringComparison.Ordinal) && variable.Contains("__http__", StringComparison.Ordinal);

    [KubectlTheory]
    [MemberData(nameof(Kustomizations))]
    public async Task EveryContainer_HasProbesAndResources_AndTheAdminKeyOnlyFromASecret(string kustomization)
    {
        var objects = await Kustomize.RenderAsync(kustomization);
        Assert.Empty(objects.OfType<V1Secret>()); // created beside the base, never committed in it

        foreach (var name in manifest.Projects.Keys.Append(Dashboard).Append(Ledger))
        {
            foreach (var container in objects.WorkloadOf(name)!.Value.Pod.Containers)
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(container.Resources?.Requests?.ContainsKey(resource) is true, $"{kustomization}: {container.Name} requests no {resource}.");
                    Assert.True(container.Resources?.Limits?.ContainsKey(resource) is true, $"{kustomization}: {container.Name} has no {resource} limit.");
                }

                var adminKey = container.Env?.SingleOrDefault(v => v.Name == "Admin__Key");
                Assert.True(adminKey is null || (adminKey.Value is null && adminKey.ValueFrom?.SecretKeyRef is not null), $"{kustomization}: {container.Name}'s Admin__Key must come from a Secret.");
            }
        }

        foreach (var (name, project) in manifest.Projects.Where(p => AppHostManifest.ServesHttp(p.Value)))
        {
            var container = objects.WorkloadOf(name)!.Value.Pod.Containers.Single(c => c.Name == name);
            Assert.Equal((Paths.Health, "http"), (container.ReadinessProbe?.HttpGet?.Path, container.ReadinessProbe?.HttpGet?.Port?.Value));
            Assert.Equal((Paths.Alive, "http"), (container.LivenessProbe?.HttpGet?.Path, container.LivenessProbe?.HttpGet?.Port?.Value));
            if (AppHostManifest.EnvironmentOf(project).Contains("Admin__Key"))
            {
                Assert.NotNull(container.Env.Single(v => v.Name == "Admin__Key").ValueFrom.SecretKeyRef);
            }
        }
    }

    [KubectlTheory]
    [InlineData(Base)]
    public async Task TheBase_RunsThreePodsOfEachStub_TwoGateways_TheTrafficStopped_AndTheGatewaysBreakersAsItsAppsettings(string kustomization)
    {
        var objects = await Kustomize.RenderAsync(kustomization);
        Assert.All(ServiceNames.Stubs, stub => Assert.Equal(("StatefulSet", 3), (objects.WorkloadOf(stub)!.Value.Kind, objects.WorkloadOf(stub)!.Value.Replicas)));
        Assert.Equal(2, objects.WorkloadOf(ServiceNames.Gateway)!.Value.Replicas);
        Assert.Equal(0, objects.WorkloadOf(ServiceNames.Traffic)!.Value.Replicas);

        // The breaker configuration the cluster's gateway gets is the one its appsettings.json holds, key for key.
        // (A JSON null, the rule switched off in a layer, is an empty variable.)
        var json = new ConfigurationBuilder().AddJsonFile(Path.Combine(Repository.Root, "Gateway", "appsettings.json")).Build();
        var appsettings = json.GetSection(Settings.CircuitBreakerSection).AsEnumerable()
            .Where(e => e.Value is not null || !json.GetSection(e.Key).GetChildren().Any())
            .ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value ?? "");
        var gateway = objects.WorkloadOf(ServiceNames.Gateway)!.Value.Pod.Containers.Single(c => c.Name == ServiceNames.Gateway);
        var configured = objects.EnvironmentOf(gateway).Where(v => v.Key.StartsWith(Settings.CircuitBreakerSection + "__", StringComparison.Ordinal)).ToDictionary(v => v.Key, v => v.Value ?? "");
        Assert.Equal(appsettings.OrderBy(e => e.Key), configured.OrderBy(e => e.Key));
    }
}
