using System.Text.Encodings.Web;
using System.Text.Json;

namespace Syncwarden;

/// <summary>
/// JSON that people read (<c>--json</c>, the control socket, the history database, lock registrations): apostrophes,
/// angle brackets, ampersands and non-ASCII text are written as themselves, not as <c>\u0027</c>-style escapes.
/// Still valid JSON: quotes, backslashes and control characters are escaped as JSON requires. Not meant for
/// embedding in HTML, which needs the default encoder.
/// </summary>
public static class ReadableJson
{
    /// <summary>
    /// A copy of a source-generated context's own options with the readable encoder, for the context's
    /// <c>(JsonSerializerOptions)</c> constructor (the encoder cannot be set through <c>JsonSourceGenerationOptions</c>).
    /// </summary>
    public static JsonSerializerOptions Options(JsonSerializerOptions generated) =>
        new(generated) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
