using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatStreams.SchemaRegistry.Http;

/// <summary>Turns every failure into Confluent's error body, so clients get error_code and message whatever went wrong.</summary>
internal static class RegistryErrorHandling
{
    public static void UseRegistryErrors(this WebApplication app, ILogger logger)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
                if (!context.Response.HasStarted && context.Response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed)
                {
                    var status = context.Response.StatusCode;
                    await RegistryResponses.Error(context, status, status,
                        $"HTTP {status}: the embedded schema registry has no {context.Request.Method} {context.Request.Path} endpoint.");
                }
            }
            catch (RegistryRejectedException e) when (!context.Response.HasStarted)
            {
                logger.LogDebug("{Method} {Path} rejected with {ErrorCode}: {Message}", context.Request.Method, context.Request.Path, e.ErrorCode, e.Message);
                await RegistryResponses.Error(context, e.HttpStatus, e.ErrorCode, e.Message);
            }
            catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
            {
                logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
                await RegistryResponses.Error(context, StatusCodes.Status500InternalServerError, 500,
                    $"Internal error in the embedded schema registry: {e.Message}");
            }
        });
    }
}
