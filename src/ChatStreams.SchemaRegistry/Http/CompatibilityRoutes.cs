using System.Text.Json.Nodes;
using ChatStreams.SchemaRegistry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static ChatStreams.SchemaRegistry.Http.RequestReading;

namespace ChatStreams.SchemaRegistry.Http;

/// <summary>/compatibility: test a schema against a subject without registering it.</summary>
internal static class CompatibilityRoutes
{
    public static void Map(IEndpointRouteBuilder routes, SchemaStore store)
    {
        routes.MapPost("/compatibility/subjects/{subject}/versions/{version}", async context =>
        {
            var selector = VersionSelector.Parse(Route(context, "version"));
            await Answer(context, store.TestCompatibility(Subject(context), selector, await SchemaBody(context)));
        });

        // Without a version: against the versions the subject's level names (all of them for *_TRANSITIVE).
        routes.MapPost("/compatibility/subjects/{subject}/versions", async context =>
            await Answer(context, store.TestCompatibility(Subject(context), selector: null, await SchemaBody(context))));
    }

    private static Task Answer(HttpContext context, IReadOnlyList<string> conflicts)
    {
        var verbose = Flag(context, "verbose");
        return RegistryResponses.Json(context, new JsonObject
        {
            ["is_compatible"] = conflicts.Count == 0,
            ["messages"] = RegistryResponses.Array(verbose ? conflicts : []),
        });
    }
}
