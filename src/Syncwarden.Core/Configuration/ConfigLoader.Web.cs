using System.Net;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] WebKeys = ["listen", "token-file"];

    private static WebSettings? BindWeb(YamlNode node, ConfigReader reader)
    {
        var settings = new WebSettings();
        if (reader.Map(node, "web", WebKeys, "web: { listen: 127.0.0.1:9090, token-file: /etc/syncwarden/web.token }") is not { } web)
        {
            return settings;
        }
        if (web.Get("listen") is { } listen && BindListen(listen, web.PathOf("listen"), reader) is { } endpoint)
        {
            settings = settings with { Listen = endpoint };
        }
        if (web.Get("token-file") is { } token
            && reader.LocalPath(token, web.PathOf("token-file"), "token-file: /etc/syncwarden/web.token", "/etc/syncwarden/web.token") is { } t)
        {
            settings = settings with { TokenFile = t };
        }
        // Anyone who can reach a non-loopback address could read job names and paths; only allowed when the
        // admin has at least configured a token, so that state-changing requests are guarded.
        if (!settings.IsLoopback && settings.TokenFile is null)
        {
            reader.Error(web.Get("listen") ?? node, web.PathOf("listen"),
                $"the dashboard would listen on {settings.Listen}, which is not a loopback address, without a token",
                "add token-file: /etc/syncwarden/web.token (a file only root can read, holding a long random token), or listen on 127.0.0.1");
        }
        return settings;
    }

    private static IPEndPoint? BindListen(YamlNode node, string path, ConfigReader reader)
    {
        if (reader.Text(node, path, "listen: 127.0.0.1:9090") is not { } text)
        {
            return null;
        }
        var value = text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + text["localhost".Length..] : text;
        if (IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port is > 0 and <= 65535 && HasPort(value))
        {
            return endpoint;
        }
        reader.Error(node, path, $"'{ConfigReader.Excerpt(text)}' is not an address and port",
            "write an IP address and a port: 127.0.0.1:9090, [::1]:9090, or 0.0.0.0:9090 (with a token-file)");
        return null;
    }

    // IPEndPoint.TryParse accepts a bare address (port 0); the dashboard needs an explicit port.
    private static bool HasPort(string value) => value.LastIndexOf(':') is var colon and > 0 && value.LastIndexOf(']') < colon;
}
