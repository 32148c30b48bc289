# syntax=docker/dockerfile:1
# One image for every ChatStreams process: the command picks the role
# (`edge --id edge-0`, `gateway`, `topology conversation`, `sink history`, `notifications`, ...).

# ---- build: restore and publish the host (AssemblyName chatstreams) with the SDK
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# .dockerignore keeps tests, docs, build output and local data out of this copy.
COPY . .
# The cache mount keeps downloaded NuGet packages between builds without putting them in a layer.
RUN --mount=type=cache,id=chatstreams-nuget,target=/root/.nuget/packages \
    dotnet restore src/ChatStreams.Host/ChatStreams.Host.csproj
RUN --mount=type=cache,id=chatstreams-nuget,target=/root/.nuget/packages \
    dotnet publish src/ChatStreams.Host/ChatStreams.Host.csproj \
        --configuration Release --no-restore --output /app

# ---- runtime: ASP.NET Core runtime only
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl serves the compose healthchecks of the HTTP processes (edges, gateway).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# The image's non-root user; ASP.NET Core listens on 8080 (ASPNETCORE_HTTP_PORTS in the base image).
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["/app/chatstreams"]
