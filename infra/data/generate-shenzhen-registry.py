#!/usr/bin/env python3
"""Writes shenzhen-registry.csv: Shenzhen's districts and streets by their real names, with generated communities
and sites (see README.md for what is real and what is generated). Run it again after editing the lists below."""
import csv
import sys

# District id, name, resident population (7th national census, 2020; the cooperation zone's is an estimate),
# estimated?, pilot start (2022 pilot districts), streets (id, name).
DISTRICTS = [
    ("futian", "福田区", 1553225, False, "2022-03-01", [
        ("yuanling", "园岭街道"), ("nanyuan", "南园街道"), ("futian", "福田街道"), ("shatou", "沙头街道"), ("meilin", "梅林街道"),
        ("huafu", "华富街道"), ("xiangmihu", "香蜜湖街道"), ("lianhua", "莲花街道"), ("huaqiangbei", "华强北街道"), ("fubao", "福保街道")]),
    ("luohu", "罗湖区", 1143801, False, None, [
        ("guiyuan", "桂园街道"), ("huangbei", "黄贝街道"), ("dongmen", "东门街道"), ("cuizhu", "翠竹街道"), ("nanhu", "南湖街道"),
        ("sungang", "笋岗街道"), ("donghu", "东湖街道"), ("liantang", "莲塘街道"), ("dongxiao", "东晓街道"), ("qingshuihe", "清水河街道")]),
    ("yantian", "盐田区", 214225, False, None, [
        ("meisha", "梅沙街道"), ("yantian", "盐田街道"), ("shatoujiao", "沙头角街道"), ("haishan", "海山街道")]),
    ("nanshan", "南山区", 1795826, False, "2022-03-01", [
        ("nantou", "南头街道"), ("nanshan", "南山街道"), ("shahe", "沙河街道"), ("shekou", "蛇口街道"), ("zhaoshang", "招商街道"),
        ("yuehai", "粤海街道"), ("taoyuan", "桃源街道"), ("xili", "西丽街道")]),
    ("baoan", "宝安区", 4476554, False, None, [
        ("xinan", "新安街道"), ("xixiang", "西乡街道"), ("hangcheng", "航城街道"), ("fuyong", "福永街道"), ("fuhai", "福海街道"),
        ("shajing", "沙井街道"), ("xinqiao", "新桥街道"), ("songgang", "松岗街道"), ("yanluo", "燕罗街道"), ("shiyan", "石岩街道")]),
    ("longgang", "龙岗区", 3979037, False, None, [
        ("pinghu", "平湖街道"), ("bantian", "坂田街道"), ("buji", "布吉街道"), ("jihua", "吉华街道"), ("nanwan", "南湾街道"),
        ("henggang", "横岗街道"), ("yuanshan", "园山街道"), ("longcheng", "龙城街道"), ("longgang", "龙岗街道"), ("baolong", "宝龙街道"),
        ("pingdi", "坪地街道")]),
    ("longhua", "龙华区", 2528872, False, None, [
        ("guanhu", "观湖街道"), ("minzhi", "民治街道"), ("longhua", "龙华街道"), ("dalang", "大浪街道"), ("fucheng", "福城街道"),
        ("guanlan", "观澜街道")]),
    ("pingshan", "坪山区", 551333, False, None, [
        ("pingshan", "坪山街道"), ("maluan", "马峦街道"), ("biling", "碧岭街道"), ("shijing", "石井街道"), ("kengzi", "坑梓街道"),
        ("longtian", "龙田街道")]),
    ("guangming", "光明区", 1095289, False, None, [
        ("guangming", "光明街道"), ("gongming", "公明街道"), ("xinhu", "新湖街道"), ("fenghuang", "凤凰街道"), ("yutang", "玉塘街道"),
        ("matian", "马田街道")]),
    ("dapeng", "大鹏新区", 156236, False, None, [("kuiyong", "葵涌街道"), ("dapeng", "大鹏街道"), ("nanao", "南澳街道")]),
    ("shenshan", "深汕特别合作区", 80000, True, None, [("ebu", "鹅埠镇"), ("xiaomo", "小漠镇"), ("houmen", "鲘门镇"), ("chishi", "赤石镇")]),
]
COMMUNITIES_PER_STREET = 5
NUMERALS = "一二三四五六七八九十"

# Sites recognised by the city association (names real; the unit each sits on is approximate) and generated ones.
BASES = [
    ("museum", "museum.sz.science-museum", "深圳市科学馆", "福田区上步中路1003号", "sz.futian.yuanling"),
    ("science_base", "base.sz.guangming.science-museum", "深圳科技馆（新馆）", "光明区光明街道", "sz.guangming.guangming"),
    ("science_base", "base.sz.pingshan.natural-history", "深圳自然博物馆", "坪山区坪山街道", "sz.pingshan.pingshan"),
    ("science_base", "base.sz.futian.mangrove", "福田红树林生态公园", "福田区沙头街道", "sz.futian.shatou"),
    ("science_base", "base.sz.nanshan.marine", "海洋科普基地（生成）", "南山区蛇口街道", "sz.nanshan.shekou"),
    ("science_base", "base.sz.futian.meteorology", "气象科普基地（生成）", "福田区莲花街道", "sz.futian.lianhua"),
    ("demonstration_site", "demo.sz.nanshan.yuehai", "粤海科普示范点（生成）", "南山区粤海街道", "sz.nanshan.yuehai"),
    ("demonstration_site", "demo.sz.longgang.bantian", "坂田科普示范点（生成）", "龙岗区坂田街道", "sz.longgang.bantian"),
    ("demonstration_site", "demo.sz.baoan.xixiang", "西乡科普示范点（生成）", "宝安区西乡街道", "sz.baoan.xixiang"),
]

COLUMNS = ["type", "id", "parent", "name", "population", "estimated", "address", "status", "since", "until", "pilot_since"]


def row(**fields):
    return [fields.get(column, "") for column in COLUMNS]


def main(out):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(row(type="city", id="sz", name="深圳市", population=17560061))
    for district, name, population, estimated, pilot, streets in DISTRICTS:
        district_id = f"sz.{district}"
        writer.writerow(row(type="district", id=district_id, parent="sz", name=name, population=population,
                            estimated="true" if estimated else "", pilot_since=pilot or ""))
        writer.writerow(row(type="center", id=f"center.{district_id}", parent=district_id, name=f"{name}新时代文明实践中心",
                            address=name, since="2022-03-01" if pilot else "2023-01-01"))
        street_population = population // len(streets)
        for street, street_name in streets:
            street_id = f"{district_id}.{street}"
            writer.writerow(row(type="street", id=street_id, parent=district_id, name=street_name, population=street_population,
                                estimated="true"))
            writer.writerow(row(type="institute", id=f"institute.{street_id}", parent=street_id,
                                name=f"{street_name}新时代文明实践所", address=f"{name}{street_name}"))
            short = street_name.removesuffix("街道").removesuffix("镇")
            for n in range(1, COMMUNITIES_PER_STREET + 1):
                community_id = f"{street_id}.c{n:02d}"
                community_name = f"{short}第{NUMERALS[n - 1]}社区（生成）"
                writer.writerow(row(type="community", id=community_id, parent=street_id, name=community_name,
                                    population=street_population // COMMUNITIES_PER_STREET, estimated="true"))
                writer.writerow(row(type="station", id=f"station.{community_id}", parent=community_id,
                                    name=f"{community_name}新时代文明实践站", address=f"{name}{street_name}"))
            writer.writerow(row(type="practice_point", id=f"point.{street_id}.c01", parent=f"{street_id}.c01",
                                name=f"{short}第一社区党群服务中心实践点（生成）", address=f"{name}{street_name}"))
    for kind, site_id, name, address, unit in BASES:
        writer.writerow(row(type=kind, id=site_id, parent=unit, name=name, address=address, since="2022-01-01"))


if __name__ == "__main__":
    main(sys.stdout)
