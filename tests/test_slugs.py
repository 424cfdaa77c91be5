from generator.slugs import SlugRegistry, pinyin_slug


def test_pinyin_slug_matches_old_site_and_heteronyms():
    assert pinyin_slug("中国邮政快递报") == "zhongguoyouzhengkuaidibao"
    assert pinyin_slug("重庆") == "chongqing"
    assert pinyin_slug("银行") == "yinhang"
    assert pinyin_slug("长沙") == "changsha"
    assert pinyin_slug("动态") == "dongtai"
    assert pinyin_slug("EMS速递") == "emssudi"


def test_registry_is_stable_across_save_and_load(tmp_path):
    path = tmp_path / "slugs.yml"
    reg = SlugRegistry.load(path)
    assert reg.slug("tag", "动态") == "dongtai"
    reg.save()
    text = path.read_text(encoding="utf-8")
    again = SlugRegistry.load(path)
    assert again.slug("tag", "动态") == "dongtai"
    again.save()  # nothing new: file untouched
    assert path.read_text(encoding="utf-8") == text
    # A published slug wins over what pinyin would now say.
    path.write_text(text.replace("dongtai", "dong-tai-old"), encoding="utf-8")
    assert SlugRegistry.load(path).slug("tag", "动态") == "dong-tai-old"


def test_same_pinyin_gets_distinct_slugs_in_order_of_arrival():
    reg = SlugRegistry()
    assert reg.slug("tag", "银行") == "yinhang"
    assert reg.slug("tag", "银杏") == "yinxing"
    assert reg.slug("tag", "音型") == "yinxing-2"
    assert reg.slug("tag", "银杏") == "yinxing"
    # Kinds are separate namespaces.
    assert reg.slug("section", "音型") == "yinxing"


def test_fixed_slug_is_kept_exactly_and_conflicts_are_refused():
    reg = SlugRegistry()
    assert reg.slug("category", "21世纪经济报道", fixed="21shijijingjibaodao 21caijingAPP") == \
        "21shijijingjibaodao 21caijingAPP"
    import pytest
    with pytest.raises(ValueError):
        reg.slug("category", "别的", fixed="21shijijingjibaodao 21caijingAPP")
