using System.Text;

namespace LlmEngine.Templates.Jinja;

/// <summary>Python's operators on template values: equality, ordering, arithmetic, with Python's error messages.</summary>
internal static class Operators
{
    /// <summary>Python's <c>a == b</c>.</summary>
    public static bool AreEqual(JinjaValue a, JinjaValue b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        switch (a)
        {
            case JinjaString sa:
                return b is JinjaString sb && sa.Value == sb.Value;
            case JinjaInt or JinjaBool or JinjaFloat:
                if (b is not (JinjaInt or JinjaBool or JinjaFloat))
                {
                    return false;
                }
                if (a is JinjaFloat || b is JinjaFloat)
                {
                    return ToDouble(a) == ToDouble(b);
                }
                return ToLong(a) == ToLong(b);
            case JinjaNone:
                return b is JinjaNone;
            case JinjaUndefined:
                return b is JinjaUndefined;
            case JinjaList la:
                if (b is not JinjaList lb || la.IsTuple != lb.IsTuple || la.Items.Count != lb.Items.Count)
                {
                    return false;
                }
                for (var i = 0; i < la.Items.Count; i++)
                {
                    if (!AreEqual(la.Items[i], lb.Items[i]))
                    {
                        return false;
                    }
                }
                return true;
            case JinjaDict da:
                if (b is not JinjaDict db || da.Items.Count != db.Items.Count)
                {
                    return false;
                }
                foreach (var (key, value) in da.Items)
                {
                    if (!db.Items.TryGetValue(key, out var other) || !AreEqual(value, other))
                    {
                        return false;
                    }
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>Python's ordering: negative, zero or positive; fails for types Python cannot order.</summary>
    public static int Compare(JinjaValue a, JinjaValue b, string op = "<")
    {
        if (a is JinjaUndefined ua)
        {
            throw ua.Fail();
        }
        if (b is JinjaUndefined ub)
        {
            throw ub.Fail();
        }
        if (IsNumber(a) && IsNumber(b))
        {
            if (a is JinjaFloat || b is JinjaFloat)
            {
                return ToDouble(a).CompareTo(ToDouble(b));
            }
            return ToLong(a).CompareTo(ToLong(b));
        }
        if (a is JinjaString sa && b is JinjaString sb)
        {
            return Math.Sign(string.CompareOrdinal(sa.Value, sb.Value));
        }
        if (a is JinjaList la && b is JinjaList lb && la.IsTuple == lb.IsTuple)
        {
            var n = Math.Min(la.Items.Count, lb.Items.Count);
            for (var i = 0; i < n; i++)
            {
                if (!AreEqual(la.Items[i], lb.Items[i]))
                {
                    return Compare(la.Items[i], lb.Items[i], op);
                }
            }
            return la.Items.Count.CompareTo(lb.Items.Count);
        }
        throw new TemplateError($"'{op}' not supported between instances of '{a.TypeName}' and '{b.TypeName}'");
    }

    /// <summary>Python's <c>item in container</c>.</summary>
    public static bool Contains(JinjaValue container, JinjaValue item)
    {
        switch (container)
        {
            case JinjaString s:
                if (item is not JinjaString needle)
                {
                    throw new TemplateError($"'in <string>' requires string as left operand, not {item.TypeName}");
                }
                return s.Value.Contains(needle.Value, StringComparison.Ordinal);
            case JinjaDict d:
                return d.Items.ContainsKey(item);
            case JinjaUndefined:
                return false;
            case JinjaList list:
                foreach (var element in list.Items)
                {
                    if (AreEqual(element, item))
                    {
                        return true;
                    }
                }
                return false;
            default:
                throw new TemplateError($"argument of type '{container.TypeName}' is not iterable");
        }
    }

    /// <summary>Python's <c>a + b</c>.</summary>
    public static JinjaValue Add(JinjaValue a, JinjaValue b, int maxLength)
    {
        FailIfUndefined(a, b);
        if (a is JinjaString sa)
        {
            if (b is not JinjaString sb)
            {
                throw new TemplateError($"can only concatenate str (not \"{b.TypeName}\") to str");
            }
            CheckLength((long)sa.Value.Length + sb.Value.Length, maxLength);
            return JinjaString.Of(string.Concat(sa.Value, sb.Value));
        }
        if (a is JinjaList la)
        {
            if (b is not JinjaList lb || la.IsTuple != lb.IsTuple)
            {
                throw new TemplateError($"can only concatenate {a.TypeName} (not \"{b.TypeName}\") to {a.TypeName}");
            }
            CheckLength((long)la.Items.Count + lb.Items.Count, maxLength);
            return new JinjaList([.. la.Items, .. lb.Items], la.IsTuple);
        }
        return Arithmetic('+', a, b);
    }

    /// <summary>Python's <c>a * b</c>, including string and list repetition.</summary>
    public static JinjaValue Multiply(JinjaValue a, JinjaValue b, int maxLength)
    {
        FailIfUndefined(a, b);
        if ((a is JinjaString or JinjaList) && b is JinjaInt or JinjaBool)
        {
            return Repeat(a, ToLong(b), maxLength);
        }
        if ((b is JinjaString or JinjaList) && a is JinjaInt or JinjaBool)
        {
            return Repeat(b, ToLong(a), maxLength);
        }
        return Arithmetic('*', a, b);
    }

    /// <summary>Python's <c>-</c>, <c>/</c>, <c>//</c>, <c>%</c>, <c>**</c> on numbers (and <c>%</c> string formatting).</summary>
    public static JinjaValue Arithmetic(char op, JinjaValue a, JinjaValue b)
    {
        FailIfUndefined(a, b);
        if (op == '%' && a is JinjaString format)
        {
            return JinjaString.Of(PercentFormat.Format(format.Value, b));
        }
        if (!IsNumber(a) || !IsNumber(b))
        {
            var symbol = op switch { 'f' => "//", 'p' => "** or pow()", _ => op.ToString() };
            throw new TemplateError($"unsupported operand type(s) for {symbol}: '{a.TypeName}' and '{b.TypeName}'");
        }
        if (a is not JinjaFloat && b is not JinjaFloat && op != '/')
        {
            return IntegerArithmetic(op, ToLong(a), ToLong(b));
        }
        var x = ToDouble(a);
        var y = ToDouble(b);
        switch (op)
        {
            case '+': return new JinjaFloat(x + y);
            case '-': return new JinjaFloat(x - y);
            case '*': return new JinjaFloat(x * y);
            case 'p': return new JinjaFloat(Math.Pow(x, y));
        }
        if (y == 0)
        {
            throw new TemplateError(op == '/' ? "division by zero" : "float division by zero");
        }
        return op switch
        {
            '/' => new JinjaFloat(x / y),
            'f' => new JinjaFloat(Math.Floor(x / y)),
            _ => new JinjaFloat(PythonModulo(x, y)),
        };
    }

    /// <summary>Python's unary minus.</summary>
    public static JinjaValue Negate(JinjaValue value) => value switch
    {
        JinjaInt i => JinjaInt.Of(checked(-i.Value)),
        JinjaBool b => JinjaInt.Of(b.Value ? -1 : 0),
        JinjaFloat f => new JinjaFloat(-f.Value),
        JinjaUndefined u => throw u.Fail(),
        _ => throw new TemplateError($"bad operand type for unary -: '{value.TypeName}'"),
    };

    /// <summary>True for int, float and bool (Python's numbers.Number).</summary>
    public static bool IsNumber(JinjaValue value) => value is JinjaInt or JinjaFloat or JinjaBool;

    /// <summary>A number as a double.</summary>
    public static double ToDouble(JinjaValue value) => value switch
    {
        JinjaInt i => i.Value,
        JinjaFloat f => f.Value,
        JinjaBool b => b.Value ? 1 : 0,
        _ => throw new TemplateError($"must be real number, not {value.TypeName}"),
    };

    /// <summary>An int or bool as a long.</summary>
    public static long ToLong(JinjaValue value) => value switch
    {
        JinjaInt i => i.Value,
        JinjaBool b => b.Value ? 1 : 0,
        _ => throw new TemplateError($"'{value.TypeName}' object cannot be interpreted as an integer"),
    };

    /// <summary>An index value (int or bool), as Python's <c>__index__</c>.</summary>
    public static long ToIndex(JinjaValue value) => ToLong(value);

    /// <summary>Fails when a produced string or list would be longer than the render may grow.</summary>
    public static void CheckLength(long length, int maxLength)
    {
        if (length > maxLength)
        {
            throw new TemplateError($"the template built a value of {length} items, over the limit of {maxLength} (MaxOutputLength)");
        }
    }

    private static JinjaValue IntegerArithmetic(char op, long x, long y)
    {
        try
        {
            switch (op)
            {
                case '+': return JinjaInt.Of(checked(x + y));
                case '-': return JinjaInt.Of(checked(x - y));
                case '*': return JinjaInt.Of(checked(x * y));
                case 'p':
                    return y < 0 ? new JinjaFloat(Math.Pow(x, y)) : JinjaInt.Of(IntegerPower(x, y));
            }
        }
        catch (OverflowException)
        {
            throw new TemplateError("integer overflow: the result does not fit in 64 bits");
        }
        if (y == 0)
        {
            throw new TemplateError(op == 'f' ? "integer division or modulo by zero" : "integer modulo by zero");
        }
        var quotient = x / y;
        var remainder = x % y;
        if (remainder != 0 && (remainder < 0) != (y < 0))
        {
            quotient--;
            remainder += y;
        }
        return JinjaInt.Of(op == 'f' ? quotient : remainder);
    }

    private static long IntegerPower(long x, long y)
    {
        var result = 1L;
        while (y > 0)
        {
            if ((y & 1) != 0)
            {
                result = checked(result * x);
            }
            y >>= 1;
            if (y > 0)
            {
                x = checked(x * x);
            }
        }
        return result;
    }

    private static double PythonModulo(double x, double y)
    {
        var remainder = x % y;
        if (remainder != 0 && (remainder < 0) != (y < 0))
        {
            remainder += y;
        }
        return remainder;
    }

    private static JinjaValue Repeat(JinjaValue sequence, long count, int maxLength)
    {
        count = Math.Max(0, count);
        if (sequence is JinjaString s)
        {
            CheckLength(s.Value.Length * count, maxLength);
            var sb = new StringBuilder((int)(s.Value.Length * count));
            for (var i = 0; i < count; i++)
            {
                sb.Append(s.Value);
            }
            return JinjaString.Of(sb.ToString());
        }
        var list = (JinjaList)sequence;
        CheckLength(list.Items.Count * count, maxLength);
        var items = new List<JinjaValue>((int)(list.Items.Count * count));
        for (var i = 0; i < count; i++)
        {
            items.AddRange(list.Items);
        }
        return new JinjaList(items, list.IsTuple);
    }

    private static void FailIfUndefined(JinjaValue a, JinjaValue b)
    {
        if (a is JinjaUndefined ua)
        {
            throw ua.Fail();
        }
        if (b is JinjaUndefined ub)
        {
            throw ub.Fail();
        }
    }
}
