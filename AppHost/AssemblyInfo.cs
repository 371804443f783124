[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("CircuitDemo.IntegrationTests")]
