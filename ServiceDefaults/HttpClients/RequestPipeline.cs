using Polly;

namespace CircuitDemo.ServiceDefaults.HttpClients;

/// <summary>The pipeline a request goes through, and the size its response body may have.</summary>
internal sealed record RequestPipeline(ResiliencePipeline<HttpResponseMessage> Pipeline, long MaxResponseBodyBytes);
