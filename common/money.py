"""Amounts of money as official documents print them: in figures ("37.500 đồng") and in words."""

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def vnd(amount: int) -> str:
    """Whole đồng grouped the Vietnamese way: 37500 → "37.500 đồng"."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def _hundreds(number: int, full: bool) -> list[str]:
    """0–999 in words; `full` when a higher group precedes it ("không trăm lẻ năm")."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def vnd_in_words(amount: int) -> str:
    """Số tiền bằng chữ: 37500 → "Ba mươi bảy nghìn năm trăm đồng"."""
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words, started = [], False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _hundreds(group, full=started)
        if GROUPS[index]:
            words.append(GROUPS[index])
        started = True
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]
