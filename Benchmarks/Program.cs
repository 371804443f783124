using BenchmarkDotNet.Running;

// dotnet run -c Release --project Benchmarks -- --filter '*'             (the default job: the quoted figures)
// dotnet run -c Release --project Benchmarks -- --filter '*Closed*' --job short   (a quick look)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
