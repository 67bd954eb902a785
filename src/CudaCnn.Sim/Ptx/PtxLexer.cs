namespace CudaCnn.Sim.Ptx;

internal enum TokenKind : byte { Ident, Number, String, Punct, End }

/// <summary>One PTX token; <see cref="Line"/> is 1-based in the module text.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line)
{
    public bool Is(char punct) => Kind == TokenKind.Punct && Text[0] == punct;
    public override string ToString() => Kind == TokenKind.End ? "end of module" : $"'{Text}' (line {Line})";
}

/// <summary>
/// Splits PTX text into tokens. Identifiers keep their dots (<c>ld.global.f32</c>, <c>%tid.x</c>, <c>.reg</c>) so the
/// parser sees an opcode as one token; comments are dropped.
/// </summary>
internal static class PtxLexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>(text.Length / 4);
        int i = 0, line = 1;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\n') { line++; i++; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) throw new PtxLoadException(line, "unterminated /* comment");
                for (int k = i; k < end; k++) if (text[k] == '\n') line++;
                i = end + 2;
                continue;
            }
            int start = i;
            if (c == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"') i++;
                tokens.Add(new Token(TokenKind.String, text[(start + 1)..i], line));
                i++;
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '.')) i++;
                tokens.Add(new Token(TokenKind.Number, text[start..i], line));
                continue;
            }
            if (IsIdentStart(c))
            {
                i++;
                while (i < text.Length && IsIdentPart(text[i])) i++;
                tokens.Add(new Token(TokenKind.Ident, text[start..i], line));
                continue;
            }
            tokens.Add(new Token(TokenKind.Punct, c.ToString(), line));
            i++;
        }
        tokens.Add(new Token(TokenKind.End, "", line));
        return tokens;
    }

    private static bool IsIdentStart(char c) => char.IsAsciiLetter(c) || c is '_' or '$' or '%' or '.';
    private static bool IsIdentPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '.';
}

/// <summary>PTX the simulator cannot load: names the line and what was found.</summary>
public sealed class PtxLoadException(int line, string message) : Exception($"PTX line {line}: {message}")
{
    public int Line { get; } = line;
}
