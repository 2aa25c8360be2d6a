using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] SecretWords = ["password", "secret", "token"];

    /// <summary>
    /// A file that holds a password, secret or token must not be readable by group or others. Only the first
    /// secret key is reported: one chmod fixes them all.
    /// </summary>
    private static void CheckSecretsPermissions(YamlNode root, string path, ConfigReader reader)
    {
        if (OperatingSystem.IsWindows() || FindSecret(root, "") is not { } secret)
        {
            return;
        }
        UnixFileMode mode;
        try
        {
            mode = File.GetUnixFileMode(path);
        }
        catch (IOException)
        {
            return;
        }
        const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        if ((mode & GroupOrOther) != 0)
        {
            var octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
            reader.Error(secret.Key, secret.Path,
                $"this file holds secrets and must not be readable by group or others (its mode is {octal})",
                $"chmod 600 {path}");
        }
    }

    private static (YamlNode Key, string Path)? FindSecret(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = ConfigReader.KeyName((key as YamlScalarNode)?.Value ?? "");
                    var childPath = ConfigReader.Join(path, name);
                    if (IsSecretKey(name) && HasValue(value))
                    {
                        return (key, childPath);
                    }
                    if (FindSecret(value, childPath) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case YamlSequenceNode sequence:
                var index = 0;
                foreach (var child in sequence.Children)
                {
                    if (FindSecret(child, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// password:, api-token:, and every HTTP header of a webhook (they carry bearer tokens); a key ending in -file
    /// (password-file:) names where the secret is kept, not the secret.
    /// </summary>
    private static bool IsSecretKey(string name) =>
        name.Equals("headers", StringComparison.Ordinal)
        || (!name.EndsWith("-file", StringComparison.Ordinal) && SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase)));

    private static bool HasValue(YamlNode node) => node switch
    {
        YamlScalarNode scalar => !ConfigReader.IsNull(scalar) && !string.IsNullOrEmpty(scalar.Value),
        YamlMappingNode mapping => mapping.Children.Count > 0,
        YamlSequenceNode sequence => sequence.Children.Count > 0,
        _ => false,
    };
}
