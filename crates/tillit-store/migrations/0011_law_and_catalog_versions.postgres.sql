UPDATE information_assets
    SET special_categories = btrim(replace(',' || special_categories || ',', ',offences,', ','), ',')
    WHERE offences = 1;
