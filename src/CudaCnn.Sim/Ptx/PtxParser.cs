using System.Globalization;

namespace CudaCnn.Sim.Ptx;

/// <summary>
/// Parses the PTX that NVRTC emits (module directives, data with initializers, .entry/.func with parameters and
/// return values, nested register scopes, labels, .loc) into <see cref="PtxModuleAst"/>. Register names are
/// resolved per scope while parsing, so redeclared names in inner scopes get their own registers.
/// </summary>
internal sealed class PtxParser
{
    private readonly List<Token> _t;
    private readonly string[] _lines;
    private int _p;
    private readonly PtxModuleAst _module = new();

    private PtxParser(string text)
    {
        _t = PtxLexer.Tokenize(text);
        _lines = text.Split('\n');
    }

    public static PtxModuleAst Parse(string text) => new PtxParser(text).ParseModule();

    private Token Peek(int ahead = 0) => _t[Math.Min(_p + ahead, _t.Count - 1)];
    private Token Next() => _t[_p < _t.Count - 1 ? _p++ : _p];

    private Token Expect(char punct)
    {
        var tok = Next();
        if (!tok.Is(punct)) throw new PtxLoadException(tok.Line, $"expected '{punct}', found {tok}");
        return tok;
    }

    private string ExpectIdent()
    {
        var tok = Next();
        if (tok.Kind != TokenKind.Ident) throw new PtxLoadException(tok.Line, $"expected a name, found {tok}");
        return tok.Text;
    }

    private long ExpectInt()
    {
        bool neg = false;
        if (Peek().Is('-')) { Next(); neg = true; }
        var tok = Next();
        if (tok.Kind != TokenKind.Number) throw new PtxLoadException(tok.Line, $"expected an integer, found {tok}");
        long v = (long)ParseInteger(tok);
        return neg ? -v : v;
    }

    private void SkipLine(int line)
    {
        while (Peek().Kind != TokenKind.End && Peek().Line == line) Next();
    }

    private PtxModuleAst ParseModule()
    {
        while (Peek().Kind != TokenKind.End)
        {
            var tok = Next();
            switch (tok.Text)
            {
                case ".version": SkipLine(tok.Line); break;
                case ".target": _module.Target = Next().Text; SkipLine(tok.Line); break;
                case ".address_size":
                    _module.AddressSize = (int)ExpectInt();
                    if (_module.AddressSize != 64) throw new PtxLoadException(tok.Line, ".address_size 32 is not supported");
                    break;
                case ".file":
                    int index = (int)ExpectInt();
                    _module.Files[index] = Next().Text;
                    SkipLine(tok.Line);
                    break;
                case ".section": SkipSection(); break;
                case ".visible" or ".weak" or ".extern" or ".common":
                    ParseDeclaration(tok.Text == ".extern");
                    break;
                case ".entry" or ".func" or ".global" or ".const" or ".shared":
                    _p--;
                    ParseDeclaration(false);
                    break;
                default:
                    if (tok.Is(';')) break;
                    throw new PtxLoadException(tok.Line, $"unsupported module-level directive {tok}");
            }
        }
        return _module;
    }

    private void SkipSection()
    {
        while (!Peek().Is('{') && Peek().Kind != TokenKind.End) Next();
        int depth = 0;
        do
        {
            var tok = Next();
            if (tok.Is('{')) depth++;
            else if (tok.Is('}')) depth--;
        } while (depth > 0 && Peek().Kind != TokenKind.End);
    }

    private void ParseDeclaration(bool isExtern)
    {
        var kind = Next();
        switch (kind.Text)
        {
            case ".entry": ParseFunction(true, kind.Line); break;
            case ".func": ParseFunction(false, kind.Line); break;
            case ".global" or ".const" or ".shared":
                var v = ParseVar(SpaceOf(kind.Text), isExtern);
                _module.Globals.Add(v);
                Expect(';');
                break;
            default: throw new PtxLoadException(kind.Line, $"unsupported declaration {kind}");
        }
    }

    private static StateSpace SpaceOf(string directive) => directive switch
    {
        ".global" => StateSpace.Global,
        ".const" => StateSpace.Const,
        ".shared" => StateSpace.Shared,
        ".local" => StateSpace.Local,
        ".param" => StateSpace.Param,
        _ => StateSpace.None,
    };

    /// <summary>Parses "[.align N] .type name[N]? [= init]" after the state-space directive.</summary>
    private VarDecl ParseVar(StateSpace space, bool isExtern)
    {
        int align = 0;
        string type = "";
        while (Peek().Kind == TokenKind.Ident && Peek().Text.StartsWith('.'))
        {
            var d = Next();
            if (d.Text == ".align") align = (int)ExpectInt();
            else if (d.Text is ".ptr" or ".global" or ".shared" or ".const" or ".local" or ".v2" or ".v4") continue;
            else type = d.Text[1..];
        }
        var nameTok = Next();
        string name = nameTok.Text == "_" ? "_" : nameTok.Text;
        int elem = TypeBytes(type, nameTok.Line);
        if (align == 0) align = elem;
        long count = 1;
        bool dynamic = false;
        if (Peek().Is('['))
        {
            Next();
            if (Peek().Is(']')) { dynamic = true; count = 0; }
            else count = ExpectInt();
            Expect(']');
        }
        var v = new VarDecl(name, space, type, align, count * elem, isExtern && dynamic);
        if (Peek().Is('='))
        {
            Next();
            v.Init = new byte[v.Size];
            if (Peek().Is('{'))
            {
                Next();
                long off = 0;
                while (!Peek().Is('}'))
                {
                    ParseInitElement(v, off, elem);
                    off += elem;
                    if (Peek().Is(',')) Next();
                }
                Next();
            }
            else ParseInitElement(v, 0, elem);
        }
        return v;
    }

    private void ParseInitElement(VarDecl v, long offset, int elem)
    {
        var tok = Peek();
        if (tok.Kind == TokenKind.Ident)
        {
            Next();
            v.SymbolInit.Add((offset, elem, tok.Text));
            return;
        }
        var op = ParseImmediate();
        if (offset + elem > v.Size) throw new PtxLoadException(tok.Line, $"initializer of {v.Name} exceeds its {v.Size} bytes");
        Span<byte> bytes = stackalloc byte[8];
        BitConverter.TryWriteBytes(bytes, op.Imm);
        bytes[..elem].CopyTo(v.Init.AsSpan((int)offset, elem));
    }

    internal static int TypeBytes(string type, int line) => type switch
    {
        "b8" or "u8" or "s8" or "pred" => 1,
        "b16" or "u16" or "s16" or "f16" => 2,
        "b32" or "u32" or "s32" or "f32" or "f16x2" or "tf32" => 4,
        "b64" or "u64" or "s64" or "f64" => 8,
        _ => throw new PtxLoadException(line, $"unsupported type '.{type}'"),
    };

    private void ParseFunction(bool isEntry, int line)
    {
        var returns = new List<VarDecl>();
        if (!isEntry && Peek().Is('('))
        {
            Next();
            ParseParamList(returns);
        }
        string name = ExpectIdent();
        var fn = new PtxFunction(name, isEntry, line);
        fn.ReturnParams.AddRange(returns);
        if (Peek().Is('('))
        {
            Next();
            ParseParamList(fn.Params);
        }
        // Performance directives (.maxntid 256, 1, 1 / .minnctapersm 2 / .noreturn) up to the body or ';'.
        while (!Peek().Is('{') && !Peek().Is(';') && Peek().Kind != TokenKind.End) Next();
        if (Next().Is(';'))
        {
            _module.Functions.TryAdd(name, fn);
            return;
        }
        fn.HasBody = true;
        _module.Functions[name] = fn;
        ParseBody(fn);
    }

    private void ParseParamList(List<VarDecl> into)
    {
        while (!Peek().Is(')'))
        {
            var d = Next();
            if (d.Text != ".param" && d.Text != ".reg")
                throw new PtxLoadException(d.Line, $"expected .param in a parameter list, found {d}");
            into.Add(ParseVar(StateSpace.Param, false));
            if (Peek().Is(',')) Next();
        }
        Next();
    }

    private sealed class Scope
    {
        public readonly Dictionary<string, Operand> Names = new(StringComparer.Ordinal);
    }

    private readonly List<Scope> _scopes = [];
    private SourceLoc? _loc;

    private Operand? Lookup(string name)
    {
        for (int i = _scopes.Count - 1; i >= 0; i--)
            if (_scopes[i].Names.TryGetValue(name, out var op)) return op;
        return null;
    }

    private void ParseBody(PtxFunction fn)
    {
        _scopes.Clear();
        _loc = null;
        var top = new Scope();
        foreach (var p in fn.Params) top.Names[p.Name] = new Operand(OperandKind.Symbol) { Symbol = p.Name };
        foreach (var p in fn.ReturnParams) top.Names[p.Name] = new Operand(OperandKind.Symbol) { Symbol = p.Name };
        _scopes.Add(top);
        while (true)
        {
            var tok = Peek();
            if (tok.Kind == TokenKind.End) throw new PtxLoadException(tok.Line, $"function {fn.Name} is not closed");
            if (tok.Is('}'))
            {
                Next();
                _scopes.RemoveAt(_scopes.Count - 1);
                if (_scopes.Count == 0) return;
                continue;
            }
            if (tok.Is('{')) { Next(); _scopes.Add(new Scope()); continue; }
            if (tok.Is(';')) { Next(); continue; }
            if (tok.Kind == TokenKind.Ident && Peek(1).Is(':'))
            {
                Next(); Next();
                if (Peek().Text == ".callprototype") { SkipTo(';'); continue; }
                fn.Labels[tok.Text] = fn.Statements.Count;
                continue;
            }
            switch (tok.Text)
            {
                case ".reg": Next(); ParseRegDecl(fn); continue;
                case ".local" or ".shared" or ".param":
                    Next();
                    var v = ParseVar(SpaceOf(tok.Text), false);
                    Expect(';');
                    string key = tok.Text == ".param" ? $"{v.Name}#{fn.BodyVars.Count}" : v.Name;
                    fn.BodyVars.Add(v with { Name = key });
                    _scopes[^1].Names[v.Name] = new Operand(OperandKind.Symbol) { Symbol = key };
                    continue;
                case ".loc":
                    Next();
                    int file = (int)ExpectInt(), ln = (int)ExpectInt(), col = (int)ExpectInt();
                    _loc = new SourceLoc(file, ln, col);
                    SkipLine(tok.Line);
                    continue;
                case ".pragma": SkipTo(';'); continue;
            }
            fn.Statements.Add(ParseInstruction());
        }
    }

    private void SkipTo(char punct)
    {
        while (!Next().Is(punct) && Peek().Kind != TokenKind.End) { }
    }

    private void ParseRegDecl(PtxFunction fn)
    {
        string type = ExpectIdent()[1..];
        if (type is "v2" or "v4") type = ExpectIdent()[1..];
        int bits = TypeBytes(type, Peek().Line) * 8;
        if (type == "pred") bits = 1;
        while (true)
        {
            string name = ExpectIdent();
            if (Peek().Is('<'))
            {
                Next();
                long n = ExpectInt();
                Expect('>');
                for (int i = 0; i < n; i++) Declare(fn, name + i.ToString(CultureInfo.InvariantCulture), type, bits);
            }
            else Declare(fn, name, type, bits);
            if (Peek().Is(',')) { Next(); continue; }
            Expect(';');
            return;
        }
    }

    private void Declare(PtxFunction fn, string name, string type, int bits)
    {
        fn.Registers.Add(new RegisterDecl(name, type, bits));
        _scopes[^1].Names[name] = Operand.Register(fn.Registers.Count - 1);
    }

    private PtxStatement ParseInstruction()
    {
        int guard = -1;
        bool negated = false;
        var first = Peek();
        if (first.Is('@'))
        {
            Next();
            if (Peek().Is('!')) { Next(); negated = true; }
            var g = ParseOperand();
            if (g.Kind != OperandKind.Reg) throw new PtxLoadException(first.Line, "guard must be a predicate register");
            guard = g.Reg;
        }
        var op = Next();
        if (op.Kind != TokenKind.Ident) throw new PtxLoadException(op.Line, $"expected an instruction, found {op}");
        var operands = new List<Operand>();
        while (!Peek().Is(';'))
        {
            if (Peek().Kind == TokenKind.End) throw new PtxLoadException(op.Line, $"'{op.Text}' is not terminated by ';'");
            operands.Add(ParseOperand());
            if (Peek().Is(',')) Next();
        }
        Next();
        string text = op.Line - 1 < _lines.Length ? _lines[op.Line - 1].Trim() : op.Text;
        return new PtxStatement(op.Text, operands.ToArray(), guard, negated, op.Line, _loc) { Text = text };
    }

    private Operand ParseOperand()
    {
        var tok = Peek();
        if (tok.Is('['))
        {
            Next();
            Operand? baseOp = null;
            long offset = 0;
            if (Peek().Kind == TokenKind.Number) offset = ExpectInt();
            else baseOp = ParseName(Next());
            while (Peek().Is('+') || Peek().Is('-'))
            {
                bool minus = Next().Is('-');
                long v = ExpectInt();
                offset += minus ? -v : v;
            }
            Expect(']');
            return new Operand(OperandKind.Address) { Base = baseOp, Offset = offset };
        }
        if (tok.Is('{') || tok.Is('('))
        {
            char close = tok.Is('{') ? '}' : ')';
            Next();
            var items = new List<Operand>();
            while (!Peek().Is(close))
            {
                items.Add(ParseOperand());
                if (Peek().Is(',')) Next();
            }
            Next();
            return new Operand(tok.Is('{') ? OperandKind.Vector : OperandKind.List) { Items = items.ToArray() };
        }
        if (tok.Is('!'))
        {
            Next();
            var inner = ParseOperand();
            return new Operand(OperandKind.NegPred) { Reg = inner.Reg };
        }
        if (tok.Kind == TokenKind.Number || tok.Is('-')) return ParseImmediate();
        Next();
        var named = ParseName(tok);
        if (Peek().Is('|'))
        {
            Next();
            var second = ParseName(Next());
            return new Operand(OperandKind.Pair) { Items = [named, second] };
        }
        return named;
    }

    private Operand ParseName(Token tok)
    {
        if (tok.Kind != TokenKind.Ident) throw new PtxLoadException(tok.Line, $"expected a register or name, found {tok}");
        if (tok.Text == "_") return new Operand(OperandKind.Sink);
        return Lookup(tok.Text) ?? new Operand(OperandKind.Symbol) { Symbol = tok.Text };
    }

    private Operand ParseImmediate()
    {
        bool neg = false;
        if (Peek().Is('-')) { Next(); neg = true; }
        var tok = Next();
        if (tok.Kind != TokenKind.Number) throw new PtxLoadException(tok.Line, $"expected a number, found {tok}");
        string s = tok.Text;
        if (s.Length > 2 && s[0] == '0' && (s[1] == 'f' || s[1] == 'F' || s[1] == 'd' || s[1] == 'D'))
        {
            ulong bits = ulong.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            char kind = char.ToLowerInvariant(s[1]);
            if (neg) bits ^= kind == 'f' ? 0x8000_0000UL : 0x8000_0000_0000_0000UL;
            return new Operand(OperandKind.Imm) { Imm = bits, FloatKind = kind };
        }
        if (s.Contains('.') || s.Contains('e') && !s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            double d = double.Parse(s, CultureInfo.InvariantCulture);
            return new Operand(OperandKind.Imm) { Imm = BitConverter.DoubleToUInt64Bits(neg ? -d : d), FloatKind = 'd' };
        }
        ulong v = ParseInteger(tok);
        return new Operand(OperandKind.Imm) { Imm = neg ? unchecked(0 - v) : v };
    }

    private static ulong ParseInteger(Token tok)
    {
        string s = tok.Text.TrimEnd('U', 'u');
        bool ok;
        ulong v;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            ok = ulong.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v);
        else if (s.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
        {
            ok = true; v = 0;
            foreach (char c in s.AsSpan(2)) { ok &= c is '0' or '1'; v = (v << 1) | (uint)(c - '0'); }
        }
        else if (s.Length > 1 && s[0] == '0')
        {
            ok = true; v = 0;
            foreach (char c in s.AsSpan(1)) { ok &= c is >= '0' and <= '7'; v = (v << 3) | (uint)(c - '0'); }
        }
        else ok = ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok) throw new PtxLoadException(tok.Line, $"bad integer literal {tok}");
        return v;
    }
}
