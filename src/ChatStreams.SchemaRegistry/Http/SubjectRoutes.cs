using System.Text.Json.Nodes;
using ChatStreams.SchemaRegistry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using static ChatStreams.SchemaRegistry.Http.RequestReading;

namespace ChatStreams.SchemaRegistry.Http;

/// <summary>/subjects: register, look up, list, read and delete subject versions.</summary>
internal static class SubjectRoutes
{
    public static void Map(IEndpointRouteBuilder routes, SchemaStore store)
    {
        routes.MapGet("/subjects", context =>
        {
            var prefix = context.Request.Query["subjectPrefix"].ToString();
            var subjects = store.ListSubjects(Flag(context, "deleted"), prefix.Length == 0 ? null : prefix);
            return RegistryResponses.Json(context, RegistryResponses.Array(subjects));
        });

        routes.MapPost("/subjects/{subject}/versions", async context =>
        {
            var registered = store.Register(Subject(context), await SchemaBody(context));
            await RegistryResponses.Json(context, new JsonObject { ["id"] = registered.Id });
        });

        routes.MapGet("/subjects/{subject}/versions", context =>
            RegistryResponses.Json(context, RegistryResponses.Array(store.ListVersions(Subject(context), Flag(context, "deleted")))));

        routes.MapGet("/subjects/{subject}/versions/{version}", context =>
        {
            var view = store.GetVersion(Subject(context), VersionSelector.Parse(Route(context, "version")), Flag(context, "deleted"));
            return RegistryResponses.Json(context, RegistryResponses.SubjectVersion(view));
        });

        routes.MapGet("/subjects/{subject}/versions/{version}/schema", context =>
        {
            var view = store.GetVersion(Subject(context), VersionSelector.Parse(Route(context, "version")), Flag(context, "deleted"));
            return RegistryResponses.RawSchema(context, view.Schema);
        });

        routes.MapGet("/subjects/{subject}/versions/{version}/referencedby", context =>
        {
            // Schema references are not supported, so no schema can reference this one; the version must exist though.
            store.GetVersion(Subject(context), VersionSelector.Parse(Route(context, "version")), includeDeleted: true);
            return RegistryResponses.Json(context, new JsonArray());
        });

        routes.MapDelete("/subjects/{subject}/versions/{version}", context =>
        {
            var deleted = store.DeleteVersion(Subject(context), VersionSelector.Parse(Route(context, "version")), Flag(context, "permanent"));
            return RegistryResponses.Json(context, JsonValue.Create(deleted));
        });

        routes.MapPost("/subjects/{subject}", async context =>
        {
            var view = store.Lookup(Subject(context), await SchemaBody(context), Flag(context, "deleted"));
            await RegistryResponses.Json(context, RegistryResponses.SubjectVersion(view));
        });

        routes.MapDelete("/subjects/{subject}", context =>
            RegistryResponses.Json(context, RegistryResponses.Array(store.DeleteSubject(Subject(context), Flag(context, "permanent")))));
    }
}
